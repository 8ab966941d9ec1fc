import { z } from 'zod';
import { INVESTOR_TYPES } from '../../models/enums.js';
import { pageCursors } from '../lib/keyset.js';
import { checkbox, editVersionFields } from '../lib/form-fields.js';

const csrf = { _csrf: z.string().optional() };
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// GET /investors — every filter lives in the query string; anything unexpected is a 400.
export const listQuery = z
  .strictObject({
    q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
    type: z.preprocess(blankToUndefined, z.enum(INVESTOR_TYPES).optional()),
    bifc: z.preprocess(blankToUndefined, z.enum(['true', 'false']).transform((v) => v === 'true').optional()),
    archived: z.preprocess(blankToUndefined, z.literal('true').transform(() => true).optional()),
    ...pageCursors,
  });

const name = z.preprocess(blankToUndefined, z.string().trim().max(200, { error: 'investors.errors.tooLong' }).optional());

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
};

// At least one of the two names, with the error beside both name fields. `when` makes the check run even when other
// fields failed (zod skips object refinements otherwise), so every error shows at once.
const hasAName = (v: unknown) => typeof v === 'object' && v !== null && Boolean((v as { nameKo?: unknown }).nameKo || (v as { nameEn?: unknown }).nameEn);
const nameRequired = (field: 'nameKo' | 'nameEn') => ({ path: [field], error: 'investors.errors.nameRequired', when: () => true });

export const createInvestorBody = z.strictObject(investorFields).refine(hasAName, nameRequired('nameKo')).refine(hasAName, nameRequired('nameEn'));

export const updateInvestorBody = z
  .strictObject({ ...investorFields, ...editVersionFields })
  .refine(hasAName, nameRequired('nameKo'))
  .refine(hasAName, nameRequired('nameEn'));

export const actionBody = z.strictObject(csrf);

export type InvestorListQuery = z.infer<typeof listQuery>;
export type InvestorInput = z.infer<typeof createInvestorBody>;
export type UpdateInvestorInput = z.infer<typeof updateInvestorBody>;
