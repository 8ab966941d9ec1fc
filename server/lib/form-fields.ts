import { z } from 'zod';
import { parseKrw } from './money.js';
import { isValidCalendarDate } from './dates.js';
import { objectId } from './validate.js';

// zod building blocks for HTML form fields: empty strings are "not given", messages are i18n keys.
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const optionalText = (max = 200) =>
  z.preprocess(blank, z.string().trim().max(max, { error: 'validation.tooLong' }).optional());
export const requiredText = (max = 200) =>
  z
    .string({ error: 'validation.required' })
    .trim()
    .min(1, { error: 'validation.required' })
    .max(max, { error: 'validation.tooLong' });

export const optionalDay = z.preprocess(
  blank,
  z.string().trim().refine(isValidCalendarDate, { error: 'validation.date' }).optional(),
);

// A won amount as people type it ("1,250,000,000", "12억 5,000만") → integer won.
const krwAmount = z.string().transform((s, ctx) => {
  const n = parseKrw(s);
  if (n === undefined || n < 0) {
    ctx.addIssue({ code: 'custom', message: 'validation.krw' });
    return z.NEVER;
  }
  return n;
});

export const optionalKrw = z.preprocess(blank, krwAmount.optional());
export const requiredKrw = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z.string({ error: 'validation.required' }).min(1, { error: 'validation.required' }).pipe(krwAmount),
);

export const optionalInt = (min: number, max: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'validation.number' })
      .int({ error: 'validation.integer' })
      .min(min, { error: 'validation.range' })
      .max(max, { error: 'validation.range' })
      .optional(),
  );

export const optionalNumber = (min: number, max: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'validation.number' })
      .min(min, { error: 'validation.range' })
      .max(max, { error: 'validation.range' })
      .optional(),
  );

export const optionalUrl = z.preprocess(
  blank,
  z
    .string()
    .trim()
    .max(300)
    .regex(/^https?:\/\/[^\s]+\.[^\s]+$/i, { error: 'validation.url' })
    .optional(),
);

export const optionalEmail = z.preprocess(
  blank,
  z.email({ error: 'validation.email' }).trim().toLowerCase().optional(),
);

export const optionalId = z.preprocess(blank, objectId.optional());

// An unchecked box sends nothing; a checked one "true" (or "on").
export const checkbox = z.preprocess((v) => v === 'true' || v === 'on' || v === '1' || v === true, z.boolean());

export const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(blank, z.enum(values, { error: 'validation.choice' }).optional());

// A multi-select sends one string or several.
export const multiEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v): unknown[] => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
    z.array(z.enum(values, { error: 'validation.choice' })).max(values.length),
  );

// "fintech, Blockchain ,  bifc" → ["fintech", "blockchain", "bifc"]
export const tagList = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z
    .string()
    .max(500)
    .transform((s) =>
      [
        ...new Set(
          s
            .split(/[,;]/)
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
        ),
      ].slice(0, 20),
    ),
);

export const csrfField = { _csrf: z.string().optional() };
// The body of a button that only acts (archive, delete, apply): the CSRF token and nothing else.
export const csrfOnlyBody = z.strictObject(csrfField);
const versionField = z.preprocess(blank, z.coerce.number().int().min(0).max(1_000_000_000).optional());

// What every edit form carries (server/lib/edit-conflict.ts): the version it was loaded at and the values it showed, so a
// save over someone else's can be merged field by field. Without _version a save is not checked (the CSV import).
export const editVersionFields = { _version: versionField, _base: z.string().max(50_000).optional() };
