// The append-only audit log: recording an action, a record's history, edit conflicts from it, and the log's page.
export { recordAudit, actorOf, type Actor } from './audit.service.js';
export { diffFields, flatten } from './audit-diff.js';
export {
  historyOf,
  historyOfFirm,
  editorsSince,
  editConflictSince,
  seoulDayStart,
  seoulDayEnd,
} from './audit-query.service.js';
export { auditRouter } from './audit.routes.js';
