export { importsRouter, IMPORT_UPLOAD_PATH } from './imports.routes.js';
export { previewImport, applyImport, type ApplyResult } from './imports.service.js';
export { recoverInterruptedImports, startImportLeaseWatcher } from './import-recovery.service.js';
export { drainImportApplies } from './running-applies.js';
export { firmCellsOf } from './firm-rows.js';
export { investorCellsOf } from './investor-rows.js';
export { roundCellsOf } from './round-rows.js';
export { FIRM_COLUMNS, FIRM_READONLY_COLUMNS, INVESTOR_COLUMNS, ROUND_COLUMNS } from './import-columns.js';
