import { z } from 'zod';
import {
  FIRM_STAGES,
  FIRM_STATUSES,
  INITIAL_FIRM_STATUSES,
  INSTRUMENTS,
  ROUND_STAGES,
  SECTORS,
  TIPS_STATUSES,
  TIPS_SUCCESS_CRITERIA,
  TIPS_TRACKS,
} from '../../models/enums.js';
import {
  checkbox,
  csrfField,
  multiEnum,
  optionalDay,
  optionalEnum,
  optionalId,
  optionalInt,
  optionalKrw,
  optionalText,
  optionalUrl,
  tagList,
  editVersionFields,
} from '../lib/form-fields.js';
import { pageCursors } from '../lib/keyset.js';
import { isValidBrn, normaliseBrn } from './firm-rules.js';
import { isValidCalendarDate, seoulToday } from '../lib/dates.js';

// The firm's editable fields, flat as the form and the CSV import name them.
export const firmFields = {
  nameKo: optionalText(120),
  nameEn: optionalText(120),
  brn: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().refine(isValidBrn, { error: 'firms.errors.brn' }).transform(normaliseBrn).optional(),
  ),
  sectorPrimary: z.enum(SECTORS, { error: 'firms.errors.sector' }),
  sectorsSecondary: multiEnum(SECTORS),
  stage: optionalEnum(FIRM_STAGES),
  founded: optionalDay,
  website: optionalUrl,
  pitch: optionalText(200),
  description: optionalText(4000),
  headcount: optionalInt(0, 100_000),
  tags: tagList,
  contactPerson: optionalId,
  residencyStart: optionalDay,
  residencyPlannedEnd: optionalDay,
  residencyEnd: optionalDay,
  residencySpace: optionalText(80),
  tipsTrack: optionalEnum(TIPS_TRACKS),
  tipsOperator: optionalId,
  tipsRecommendedOn: optionalDay,
  tipsEvaluatedOn: optionalDay,
  tipsSelectedOn: optionalDay,
  tipsAgreementOn: optionalDay,
  tipsCompletedOn: optionalDay,
  tipsGrantKrw: optionalKrw,
  tipsAddOnKrw: optionalKrw,
  tipsSuccessCriteria: multiEnum(TIPS_SUCCESS_CRITERIA),
  zoneProject: optionalText(200),
  fundraisingRaising: checkbox,
  fundraisingTargetKrw: optionalKrw,
  fundraisingStage: optionalEnum(ROUND_STAGES),
  fundraisingInstrument: optionalEnum(INSTRUMENTS),
  fundraisingOpen: checkbox,
};

type FirmFieldsIn = z.infer<z.ZodObject<typeof firmFields>>;

const filled = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const day = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;

// Rules across fields, each reported beside the field it concerns. They run even when single fields failed
// (ALWAYS), so every error shows at once; values may then still be raw form strings, hence the defensive reads.
function checkFirmFields(f: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!filled(f.nameKo) && !filled(f.nameEn)) issue('nameKo', 'firms.errors.name');
  const founded = day(f.founded);
  if (founded && founded > seoulToday()) issue('founded', 'firms.errors.foundedFuture');
  const start = day(f.residencyStart);
  const plannedEnd = day(f.residencyPlannedEnd);
  const end = day(f.residencyEnd);
  if (start && plannedEnd && plannedEnd < start) issue('residencyPlannedEnd', 'firms.errors.afterStart');
  if (start && end && end < start) issue('residencyEnd', 'firms.errors.afterStart');
  if ((filled(f.residencyEnd) || filled(f.residencyPlannedEnd)) && !filled(f.residencyStart))
    issue('residencyStart', 'firms.errors.startNeeded');
  let last: string | undefined;
  for (const key of ['tipsRecommendedOn', 'tipsEvaluatedOn', 'tipsSelectedOn', 'tipsAgreementOn', 'tipsCompletedOn']) {
    const d = day(f[key]);
    if (!d) continue;
    if (last && d < last) issue(key, 'firms.errors.tipsOrder');
    last = d;
  }
  if (
    Array.isArray(f.sectorsSecondary) &&
    typeof f.sectorPrimary === 'string' &&
    f.sectorsSecondary.includes(f.sectorPrimary)
  )
    issue('sectorsSecondary', 'firms.errors.secondaryRepeatsPrimary');
  const raising = f.fundraisingRaising === true || f.fundraisingRaising === 'true' || f.fundraisingRaising === 'on';
  if (raising && (f.fundraisingTargetKrw === undefined || f.fundraisingTargetKrw === ''))
    issue('fundraisingTargetKrw', 'firms.errors.targetNeeded');
}

const ALWAYS = { when: () => true };

export const createFirmBody = z
  .strictObject({
    ...csrfField,
    ...firmFields,
    status: z.enum(INITIAL_FIRM_STATUSES, { error: 'validation.choice' }).default('applicant'),
    // The id the form was given for the firm it registers, so the same form sent twice registers one firm.
    newId: optionalId,
  })
  .superRefine(checkFirmFields, ALWAYS);

export const updateFirmBody = z
  .strictObject({ ...csrfField, ...editVersionFields, ...firmFields })
  .superRefine(checkFirmFields, ALWAYS);

export type FirmFieldsInput = FirmFieldsIn;
export type CreateFirmInput = z.infer<typeof createFirmBody>;
export type UpdateFirmInput = z.infer<typeof updateFirmBody>;

export const statusChangeBody = z.strictObject({
  ...csrfField,
  status: z.enum(FIRM_STATUSES, { error: 'validation.choice' }),
  on: z
    .string({ error: 'validation.dateRequired' })
    .trim()
    .min(1, { error: 'validation.dateRequired' })
    .refine(isValidCalendarDate, { error: 'validation.date' }),
  note: optionalText(500),
});
export type StatusChangeInput = z.infer<typeof statusChangeBody>;

export const LIST_SORTS = ['name', 'founded', 'activity', 'raised'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

const blankToUndef = (v: unknown) => (v === '' ? undefined : v);

// The statuses of firms still being selected (the dashboard's "in selection" card links to them as status=pipeline).
export const PIPELINE_STATUSES = ['applicant', 'screening', 'admitted'] as const;

// GET /firms — the filters live in the URL; validate() ignores unknown parameters and drops a bad value with a notice.
export const firmListQuery = z.strictObject({
  q: z.preprocess(blankToUndef, z.string().trim().max(100).optional()),
  status: z.preprocess(blankToUndef, z.enum([...FIRM_STATUSES, 'pipeline']).optional()),
  sector: z.preprocess(blankToUndef, z.enum(SECTORS).optional()),
  stage: z.preprocess(blankToUndef, z.enum(FIRM_STAGES).optional()),
  tips: z.preprocess(blankToUndef, z.enum(TIPS_STATUSES).optional()),
  raising: z.preprocess(blankToUndef, z.enum(['yes', 'no']).optional()),
  tag: z.preprocess(blankToUndef, z.string().trim().toLowerCase().max(40).optional()),
  archived: z.preprocess(blankToUndef, z.enum(['1']).optional()),
  sort: z.preprocess(blankToUndef, z.enum(LIST_SORTS).default('name')),
  dir: z.preprocess(blankToUndef, z.enum(['asc', 'desc']).optional()),
  ...pageCursors,
});
export type FirmListQuery = z.infer<typeof firmListQuery>;

export const noteBody = z.strictObject({
  ...csrfField,
  // The id the form was given for the note it adds (lib/create-once.ts).
  newId: optionalId,
  body: z.string().trim().min(1, { error: 'validation.required' }).max(10_000, { error: 'validation.tooLong' }),
});
