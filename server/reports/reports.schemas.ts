import { z } from 'zod';
import { TARGET_METRICS } from '../../models/enums.js';
import { parseKrw } from '../lib/money.js';
import { isValidCalendarDate, seoulToday } from '../lib/dates.js';
import { objectId } from '../lib/validate.js';
import { csrfField, editVersionFields, optionalText } from '../lib/form-fields.js';
import { CHART_NAMES, TABLE_NAMES } from './report-tables.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// ?as_of= is read as text here and checked by checkAsOf (a clear message on the page, not a bare 400), so a bad date
// reaches the page that explains it; ?lang= picks the language of a chart or file (the page's own language otherwise).
export const reportQuery = z.strictObject({
  as_of: z.preprocess(blank, z.string().max(40).optional()),
  lang: z.preprocess(blank, z.enum(['ko', 'en']).optional()),
});

export const tableParams = z.strictObject({ table: z.enum(TABLE_NAMES) });
export const chartParams = z.strictObject({ chart: z.enum(CHART_NAMES) });
export const chartQuery = reportQuery.extend({ size: z.preprocess(blank, z.enum(['wide', 'narrow']).optional()) });
export const targetParams = z.strictObject({ targetId: objectId });
export const tokenParams = z.strictObject({ tokenId: objectId });

export type AsOfCheck =
  { ok: true; day: string } | { ok: false; error: 'asOfInvalid' | 'asOfFuture' | 'asOfBeforeBaseline' };

// The day a report is as of: today (Seoul) when not given; refused when not a real date, in the future, or before the
// earliest target's baseline (nothing was counted then).
export function checkAsOf(raw: string | undefined, today: string, earliestBaseline: string | undefined): AsOfCheck {
  if (raw === undefined) return { ok: true, day: today };
  const day = raw.trim();
  if (!isValidCalendarDate(day)) return { ok: false, error: 'asOfInvalid' };
  if (day > today) return { ok: false, error: 'asOfFuture' };
  if (earliestBaseline && day < earliestBaseline) return { ok: false, error: 'asOfBeforeBaseline' };
  return { ok: true, day };
}

// A target's value as people type it: "60", "2,400억", "1.5억" → a whole number, at least 0.
const value = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: 'validation.required' })
    .min(1, { error: 'validation.required' })
    .transform((s, ctx) => {
      const n = parseKrw(s);
      if (n === undefined || n < 0) {
        ctx.addIssue({ code: 'custom', message: 'reports.errors.value' });
        return z.NEVER;
      }
      return n;
    }),
);
const optionalValue = z.preprocess(blank, value.optional());
const day = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: 'validation.dateRequired' })
    .min(1, { error: 'validation.dateRequired' })
    .refine(isValidCalendarDate, { error: 'validation.date' }),
);
const optionalDay = z.preprocess(blank, day.optional());

export const MILESTONE_SLOTS = [1, 2, 3] as const;

const targetFields = {
  ...csrfField,
  nameKo: optionalText(120),
  nameEn: optionalText(120),
  metric: z.enum(TARGET_METRICS, { error: 'validation.choice' }),
  baselineValue: value,
  baselineOn: day,
  targetValue: value,
  targetOn: day,
  m1On: optionalDay,
  m1Value: optionalValue,
  m2On: optionalDay,
  m2Value: optionalValue,
  m3On: optionalDay,
  m3Value: optionalValue,
};

// Rules across fields, each reported beside its field: a name, a baseline not in the future, a target after it with a
// positive value, and each milestone complete and between the two dates. They run even when single fields failed (so
// every error shows at once); values may then still be raw form text, hence the checks of each value's type first.
function checkTarget(raw: unknown, ctx: z.RefinementCtx) {
  const t = raw as Record<string, unknown>;
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const dayOf = (v: unknown) => (typeof v === 'string' && isValidCalendarDate(v) ? v : undefined);
  const filled = (v: unknown) => (typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null);
  if (!filled(t.nameKo) && !filled(t.nameEn)) issue('nameKo', 'reports.errors.nameRequired');
  const baselineOn = dayOf(t.baselineOn);
  const targetOn = dayOf(t.targetOn);
  if (baselineOn && baselineOn > seoulToday()) issue('baselineOn', 'reports.errors.baselineFuture');
  if (baselineOn && targetOn && targetOn <= baselineOn) issue('targetOn', 'reports.errors.targetAfterBaseline');
  if (typeof t.targetValue === 'number' && !(t.targetValue > 0)) issue('targetValue', 'reports.errors.targetPositive');
  for (const i of MILESTONE_SLOTS) {
    const on = t[`m${i}On`];
    const v = t[`m${i}Value`];
    if (filled(on) !== filled(v)) issue(filled(on) ? `m${i}Value` : `m${i}On`, 'reports.errors.milestoneIncomplete');
    const mOn = dayOf(on);
    if (mOn && baselineOn && targetOn && (mOn <= baselineOn || mOn >= targetOn))
      issue(`m${i}On`, 'reports.errors.milestoneBetween');
  }
}

const ALWAYS = { when: () => true };

export const targetBody = z.strictObject(targetFields).superRefine(checkTarget, ALWAYS);
export const editTargetBody = z
  .strictObject({ ...targetFields, ...editVersionFields })
  .superRefine(checkTarget, ALWAYS);
export type TargetInput = z.infer<typeof targetBody>;
export type EditTargetInput = z.infer<typeof editTargetBody>;

export const tokenBody = z.strictObject({
  ...csrfField,
  name: z
    .string({ error: 'validation.required' })
    .trim()
    .min(1, { error: 'validation.required' })
    .max(80, { error: 'validation.tooLong' }),
});
