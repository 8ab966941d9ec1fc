import { z } from 'zod';
import { FIRM_STAGES, FIRM_STATUSES, INSTRUMENTS, ROUND_STAGES, SECTORS, TIPS_STATUSES, TIPS_SUCCESS_CRITERIA, TIPS_TRACKS } from '../../models/enums.js';
import {
  checkbox, csrfField, multiEnum, optionalDay, optionalEnum, optionalId, optionalInt, optionalKrw, optionalText, optionalUrl, tagList, versionField,
} from '../lib/form-fields.js';
import { objectId } from '../lib/validate.js';
import { isValidBrn, normaliseBrn } from './firm-rules.js';

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

// Rules across fields, each reported beside the field it concerns.
export function checkFirmFields(f: FirmFieldsIn, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!f.nameKo && !f.nameEn) issue('nameKo', 'firms.errors.name');
  if (f.residencyStart && f.residencyPlannedEnd && f.residencyPlannedEnd < f.residencyStart) issue('residencyPlannedEnd', 'firms.errors.afterStart');
  if (f.residencyStart && f.residencyEnd && f.residencyEnd < f.residencyStart) issue('residencyEnd', 'firms.errors.afterStart');
  if ((f.residencyEnd || f.residencyPlannedEnd) && !f.residencyStart) issue('residencyStart', 'firms.errors.startNeeded');
  const tipsOrder: (keyof FirmFieldsIn)[] = ['tipsRecommendedOn', 'tipsEvaluatedOn', 'tipsSelectedOn', 'tipsAgreementOn', 'tipsCompletedOn'];
  let last: string | undefined;
  for (const key of tipsOrder) {
    const day = f[key] as string | undefined;
    if (!day) continue;
    if (last && day < last) issue(key, 'firms.errors.tipsOrder');
    last = day;
  }
  if (f.sectorsSecondary.includes(f.sectorPrimary)) issue('sectorsSecondary', 'firms.errors.secondaryRepeatsPrimary');
  if (f.fundraisingRaising && !f.fundraisingTargetKrw) issue('fundraisingTargetKrw', 'firms.errors.targetNeeded');
}

export const createFirmBody = z
  .strictObject({ ...csrfField, ...firmFields, status: z.enum(['applicant', 'screening', 'admitted', 'resident'] as const, { error: 'validation.choice' }).default('applicant') })
  .superRefine(checkFirmFields);

export const updateFirmBody = z.strictObject({ ...csrfField, _version: versionField, ...firmFields }).superRefine(checkFirmFields);

export type FirmFieldsInput = FirmFieldsIn;
export type CreateFirmInput = z.infer<typeof createFirmBody>;
export type UpdateFirmInput = z.infer<typeof updateFirmBody>;

export const statusChangeBody = z.strictObject({
  ...csrfField,
  _version: versionField,
  status: z.enum(FIRM_STATUSES, { error: 'validation.choice' }),
  on: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s), { error: 'validation.date' })),
  note: optionalText(500),
});
export type StatusChangeInput = z.infer<typeof statusChangeBody>;

export const LIST_SORTS = ['name', 'founded', 'activity', 'raised'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

const blankToUndef = (v: unknown) => (v === '' ? undefined : v);

export const firmListQuery = z.strictObject({
  q: z.preprocess(blankToUndef, z.string().trim().max(100).optional()),
  status: z.preprocess(blankToUndef, z.enum(FIRM_STATUSES).optional()),
  sector: z.preprocess(blankToUndef, z.enum(SECTORS).optional()),
  stage: z.preprocess(blankToUndef, z.enum(FIRM_STAGES).optional()),
  tips: z.preprocess(blankToUndef, z.enum(TIPS_STATUSES).optional()),
  raising: z.preprocess(blankToUndef, z.enum(['yes', 'no']).optional()),
  tag: z.preprocess(blankToUndef, z.string().trim().toLowerCase().max(40).optional()),
  archived: z.preprocess(blankToUndef, z.enum(['1']).optional()),
  sort: z.preprocess(blankToUndef, z.enum(LIST_SORTS).default('name')),
  dir: z.preprocess(blankToUndef, z.enum(['asc', 'desc']).optional()),
  after: z.preprocess(blankToUndef, z.string().max(300).optional()),
  before: z.preprocess(blankToUndef, z.string().max(300).optional()),
});
export type FirmListQuery = z.infer<typeof firmListQuery>;

export const firmIdParams = z.strictObject({ id: objectId });
export const noteBody = z.strictObject({ ...csrfField, body: z.string().trim().min(1, { error: 'validation.required' }).max(10_000, { error: 'validation.tooLong' }) });
