// Investor organisations: their pages, the choices and names other pages show, and what the CSV import writes.
export { investorsRouter } from './investors.routes.js';
export {
  investorOptions,
  investorNames,
  nameKeyOf,
  backfillNameKeys,
  getInvestor,
  writeInvestors,
  investorsCursor,
  type InvestorWrite,
  type InvestorOption,
} from './investors.service.js';
export {
  createInvestorBody,
  updateInvestorBody,
  listQuery as investorListQuery,
  type InvestorInput,
  type UpdateInvestorInput,
} from './investors.schemas.js';
export { toInvestorFields, toInvestorRecord, type StoredInvestor } from './investor-mapping.js';
