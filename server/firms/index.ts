// The startup registry: the firm pages, and what other features use of firms (the rounds and people pages load their
// firm with getFirm; the CSV import and export, the demo data and start-up upkeep use the rest).
export { firmsRouter } from './firms.routes.js';
export { getFirm, backfillDerivedFields } from './firms.service.js';
export { firmsCursor, type ListLang } from './firm-list.service.js';
export { toFirmFields, toFirmRecord, type StoredFirm } from './firm-mapping.js';
export {
  brnWithCheckDigit,
  derivedFirmFields,
  isValidBrn,
  normaliseBrn,
  searchTokensOf,
  sortNameKoOf,
  sortNameOf,
} from './firm-rules.js';
export {
  createFirmBody,
  updateFirmBody,
  firmFields,
  firmListQuery,
  type CreateFirmInput,
  type UpdateFirmInput,
  type FirmListQuery,
} from './firms.schemas.js';
