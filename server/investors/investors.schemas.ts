import { z } from 'zod';
import { INSTRUMENTS, INVESTOR_REGIONS, INVESTOR_TYPES, ROUND_STAGES, SECTORS } from '../../models/enums.js';
import { pageCursors } from '../lib/keyset.js';
import {
  checkbox,
  csrfField,
  editVersionFields,
  multiEnum,
  optionalDay,
  optionalId,
  optionalKrw,
  optionalText,
  requiredKrw,
  requiredText,
} from '../lib/form-fields.js';
import { parseKrw } from '../lib/money.js';
import { objectId } from '../lib/validate.js';

const csrf = { _csrf: z.string().optional() };
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// GET /investors — every filter lives in the query string; validate() ignores unknown parameters and drops a bad value
// with a notice.
export const listQuery = z.strictObject({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
  type: z.preprocess(blankToUndefined, z.enum(INVESTOR_TYPES).optional()),
  bifc: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  ),
  archived: z.preprocess(
    blankToUndefined,
    z
      .literal('true')
      .transform(() => true)
      .optional(),
  ),
  ...pageCursors,
});

const name = z.preprocess(
  blankToUndefined,
  z.string().trim().max(200, { error: 'investors.errors.tooLong' }).optional(),
);

const investorFields = {
  ...csrf,
  nameKo: name,
  nameEn: name,
  type: z.enum(INVESTOR_TYPES, { error: 'investors.errors.type' }),
  website: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z.httpUrl({ error: 'investors.errors.website' }).max(300, { error: 'investors.errors.tooLong' }).optional(),
  ),
  bifcBased: checkbox,
  // The thesis, flat as the form and the CSV name it (investor-mapping.ts): either ticket bound may be left open.
  thesisSectors: multiEnum(SECTORS),
  thesisStages: multiEnum(ROUND_STAGES),
  thesisInstruments: multiEnum(INSTRUMENTS),
  thesisRegions: multiEnum(INVESTOR_REGIONS),
  ticketMinKrw: optionalKrw,
  ticketMaxKrw: optionalKrw,
  thesisNotes: optionalText(2000),
};

// At least one of the two names, with the error beside both name fields. `when` makes the check run even when other
// fields failed (zod skips object refinements otherwise), so every error shows at once.
const hasAName = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  Boolean((v as { nameKo?: unknown }).nameKo || (v as { nameEn?: unknown }).nameEn);
const nameRequired = (field: 'nameKo' | 'nameEn') => ({
  path: [field],
  error: 'investors.errors.nameRequired',
  when: () => true,
});

// A won amount as parsed, or as typed when other fields failed (the check runs either way, see above).
const krwOf = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? parseKrw(v) : undefined);
// The smallest ticket is not above the largest, when both are given; the error sits beside the largest.
function ticketsInOrder(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  const min = krwOf((v as { ticketMinKrw?: unknown }).ticketMinKrw);
  const max = krwOf((v as { ticketMaxKrw?: unknown }).ticketMaxKrw);
  return min === undefined || max === undefined || min <= max;
}
const ticketOrder = { path: ['ticketMaxKrw'], error: 'investors.errors.ticketOrder', when: () => true };

// newId: the id the new-organisation form was given (lib/create-once.ts).
export const createInvestorBody = z
  .strictObject({ ...investorFields, newId: optionalId })
  .refine(hasAName, nameRequired('nameKo'))
  .refine(hasAName, nameRequired('nameEn'))
  .refine(ticketsInOrder, ticketOrder);

export const updateInvestorBody = z
  .strictObject({ ...investorFields, ...editVersionFields })
  .refine(hasAName, nameRequired('nameKo'))
  .refine(hasAName, nameRequired('nameEn'))
  .refine(ticketsInOrder, ticketOrder);

// A fund it manages (nested under its page). Dry powder is what is left of the size; a BIFC startup investment fund
// counts toward the city's target from its vintage date, so it needs one.
const fundFields = {
  ...csrfField,
  name: requiredText(120),
  sizeKrw: requiredKrw,
  vintage: optionalDay,
  dryPowderKrw: optionalKrw,
  bifcStartupFund: checkbox,
};
const fundPart = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const dryPowderWithinSize = (v: unknown) => {
  const size = krwOf(fundPart(v).sizeKrw);
  const dry = krwOf(fundPart(v).dryPowderKrw);
  return size === undefined || dry === undefined || dry <= size;
};
const vintageOfBifcFund = (v: unknown) => {
  const f = fundPart(v);
  const bifc = f.bifcStartupFund === true || f.bifcStartupFund === 'true' || f.bifcStartupFund === 'on';
  return !bifc || (typeof f.vintage === 'string' && f.vintage.trim() !== '');
};
const fundChecks = <T extends z.ZodType>(schema: T) =>
  schema
    .refine(dryPowderWithinSize, {
      path: ['dryPowderKrw'],
      error: 'investors.funds.errors.dryPowder',
      when: () => true,
    })
    .refine(vintageOfBifcFund, { path: ['vintage'], error: 'investors.funds.errors.vintageNeeded', when: () => true });

export const addFundBody = fundChecks(z.strictObject(fundFields));
export const editFundBody = fundChecks(z.strictObject({ ...fundFields, ...editVersionFields }));
export const fundParams = z.strictObject({ id: objectId, fundId: objectId });
// A contact of the organisation in the URL (their form's body is the people feature's: addContactBody, editContactBody).
export const contactParams = z.strictObject({ id: objectId, contactId: objectId });

export type InvestorInput = z.infer<typeof createInvestorBody>;
export type UpdateInvestorInput = z.infer<typeof updateInvestorBody>;
export type FundInput = z.infer<typeof addFundBody>;
export type EditFundInput = z.infer<typeof editFundBody>;
