import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../models/enums.js';
import { objectId } from '../lib/validate.js';
import { isValidCalendarDate } from '../lib/dates.js';
import { pageCursors } from '../lib/keyset.js';

export const AUDIT_ENTITIES = [
  'user',
  'firm',
  'round',
  'investor',
  'person',
  'note',
  'import',
  'match',
  'target',
  'api-token',
] as const;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const day = z.string().refine(isValidCalendarDate, { message: 'expected a date YYYY-MM-DD' });

// GET /audit — filters in the query string; anything unexpected is a 400.
export const auditQuery = z
  .strictObject({
    entity: z.preprocess(blankToUndefined, z.enum(AUDIT_ENTITIES).optional()),
    action: z.preprocess(blankToUndefined, z.enum(AUDIT_ACTIONS).optional()),
    actor: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .toLowerCase()
        .pipe(z.union([z.email(), z.literal('system')]))
        .optional(),
    ),
    from: z.preprocess(blankToUndefined, day.optional()),
    to: z.preprocess(blankToUndefined, day.optional()),
    entityId: z.preprocess(blankToUndefined, objectId.transform((s) => s.toLowerCase()).optional()),
    ...pageCursors,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] });

// GET /firms/:id/history, /investors/:id/history — only the page cursors.
export const historyQuery = z.strictObject({ ...pageCursors });
