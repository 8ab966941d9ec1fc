// The reports feature's public face for other features: the hook the firms and rounds services call after their writes,
// and what start-up and the seed need. (The router is mounted from server/routes.ts, like the firms'.)
export { refreshReportMonths, refreshReportMonthsOf, ensureReportMonths } from './report-months.service.js';
export { seedTargetsIfNone } from './targets.service.js';
export { metricOn } from './reports.service.js';
export { addMonths } from './calendar.js';
