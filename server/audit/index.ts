// The append-only audit log: recording an action, a record's history, edit conflicts from it, and the log's page.
export { recordAudit, appendAuditEntries, actorOf, type Actor } from './audit.service.js';
export { rebuildAuditViews, ensureAuditViews } from './audit-views.service.js';
export { diffFields, flatten } from './audit-diff.js';
export { REF_SOURCES, auditRefs } from './audit-refs.service.js';
export {
  historyOf,
  historyOfFirm,
  editorsSince,
  editConflictSince,
  seoulDayStart,
  seoulDayEnd,
} from './audit-query.service.js';
export { auditRouter, historyRouter } from './audit.routes.js';
