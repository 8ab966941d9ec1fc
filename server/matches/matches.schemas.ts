import { z } from 'zod';
import { INVESTOR_TYPES, MATCH_STAGES, PASS_REASONS, SECTORS } from '../../models/enums.js';
import {
  csrfField,
  editVersionFields,
  optionalDay,
  optionalEnum,
  optionalId,
  optionalText,
  requiredText,
} from '../lib/form-fields.js';
import { objectId } from '../lib/validate.js';
import { pageCursors } from '../lib/keyset.js';
import { OPEN_STAGES } from './match-stages.js';

const blankToUndef = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndef, schema.optional());

// The filters of the board, the list and the export (they live in the URL).
const matchFilterFields = {
  owner: optional(objectId),
  sector: optional(z.enum(SECTORS)),
  type: optional(z.enum(INVESTOR_TYPES)),
  overdue: optional(z.enum(['1'])),
};

// The board also names the column a phone shows (one stage at a time).
export const boardQuery = z.strictObject({
  ...matchFilterFields,
  stage: optional(z.enum(OPEN_STAGES as [string, ...string[]])),
});

// The list may also pick one stage, closed ones included (without it: the open matches).
export const matchListQuery = z.strictObject({
  ...matchFilterFields,
  stage: optional(z.enum(MATCH_STAGES)),
  ...pageCursors,
});

// Where a move made from a board card or the follow-ups returns to: a deal-flow page of this app, never another site.
const backPath = z.preprocess(
  blankToUndef,
  z
    .string()
    .max(2000)
    .regex(/^\/matches(\/mine|\/list)?(\?[^\s#\\]*)?$/)
    .optional(),
);

export const createMatchBody = z.strictObject({
  ...csrfField,
  firm: z.string({ error: 'validation.required' }).regex(/^[0-9a-f]{24}$/i, { error: 'validation.required' }),
  investor: z.string({ error: 'validation.required' }).regex(/^[0-9a-f]{24}$/i, { error: 'validation.required' }),
  owner: optionalId,
  nextStep: optionalText(300),
  dueOn: optionalDay,
  // The page the form was on (a firm's or an investor's suggestions), to come back to after a refusal.
  from: optional(z.enum(['firm', 'investor'])),
});

// The move form: the stage to move to (named `stage`, as the match's own field, so a move made on a page someone has moved
// since is merged and flagged like any edit: server/lib/forms.ts), the pass reason and its text.
export const moveBody = z.strictObject({
  ...csrfField,
  ...editVersionFields,
  stage: z.enum(MATCH_STAGES, { error: 'matches.errors.stageRequired' }),
  reason: optionalEnum(PASS_REASONS),
  reasonText: optionalText(1000),
  back: backPath,
});

export const detailsBody = z.strictObject({
  ...csrfField,
  ...editVersionFields,
  owner: optionalId,
  nextStep: optionalText(300),
  dueOn: optionalDay,
});

export const matchNoteBody = z.strictObject({ ...csrfField, body: requiredText(10_000) });
