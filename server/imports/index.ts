export { importsRouter } from './imports.routes.js';
export { previewImport, applyImport, getBatch, type ApplyDeps, type ApplyResult } from './imports.service.js';
export { firmCellsOf } from './firm-rows.js';
export { roundCellsOf } from './round-rows.js';
export { guardCell } from './cell-values.js';
export { FIRM_COLUMNS, FIRM_READONLY_COLUMNS, ROUND_COLUMNS } from './import-columns.js';
