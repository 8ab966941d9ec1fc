export { recordAudit, actorOf, type Actor, type AuditRecord } from './audit.service.js';
export { diffFields, flatten, type FieldChange } from './audit-diff.js';
export {
  historyOf,
  historyOfFirm,
  editorsSince,
  editConflictSince,
  browseAudit,
  seoulDayStart,
  seoulDayEnd,
  AUDIT_PAGE_SIZE,
  type HistoryEntry,
  type AuditFilters,
} from './audit-query.service.js';
export { auditRouter } from './audit.routes.js';
