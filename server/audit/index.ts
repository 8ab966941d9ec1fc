export { recordAudit, type Actor, type AuditRecord } from './audit.service.js';
export { diffFields, flatten, type FieldChange } from './audit-diff.js';
