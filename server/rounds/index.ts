// A firm's funding rounds: the pages (nested under the firm), the round rules, and what the firm page, the CSV import
// and export and the demo data use.
export { roundsRouter } from './rounds.routes.js';
export {
  roundsOfFirm,
  roundsCursor,
  createRound,
  createRounds,
  updateRound,
  recomputeFirmTotals,
  recomputeTotalsOf,
} from './rounds.service.js';
export { computeFirmTotals, checkParticipants } from './round-rules.js';
export { toRoundRecord, toRoundFields, type StoredRound } from './round-mapping.js';
export { CURRENCIES, roundBody, type RoundInput } from './rounds.schemas.js';
