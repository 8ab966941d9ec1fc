// Backups of the embedded database: `npm run backup` / `npm run restore` (scripts/backup.ts, scripts/restore.ts).
export { backupDatabase, restoreDatabase, EXCLUDED_COLLECTIONS } from './backup.service.js';
