import { z } from 'zod';
import { INSTRUMENTS, ROUND_STAGES, ROUND_STATUSES } from '../../models/enums.js';
import {
  checkbox,
  csrfField,
  editVersionFields,
  optionalDay,
  optionalId,
  optionalInt,
  optionalKrw,
  optionalNumber,
  optionalText,
  requiredKrw,
} from '../lib/form-fields.js';
import { objectId } from '../lib/validate.js';
import { checkParticipants } from './round-rules.js';

export const CURRENCIES = { KRW: 0, USD: 2, EUR: 2, JPY: 0, CNY: 2, SGD: 2, HKD: 2, GBP: 2 } as const;
export type Currency = keyof typeof CURRENCIES;
const CURRENCY_CODES = Object.keys(CURRENCIES) as [Currency, ...Currency[]];

// "1,234.56" in a currency with 2 decimals → 123456 minor units; never through floating point arithmetic.
export function toMinorUnits(input: string, currency: Currency): number | undefined {
  const s = input.replace(/[\s,]/g, '');
  const digits = CURRENCIES[currency];
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m || (m[2] && m[2].length > digits)) return undefined;
  const n = Number(m[1] + (m[2] ?? '').padEnd(digits, '0'));
  return Number.isSafeInteger(n) ? n : undefined;
}

const participant = z.object({
  investor: optionalId,
  amountKrw: optionalKrw,
  lead: checkbox,
});

// Participant rows arrive as participants[0][investor]… (an array, or an object by index); empty rows are dropped.
export function filledRows(v: unknown): object[] {
  const rows: unknown[] = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
  return rows.filter(
    (r): r is object =>
      typeof r === 'object' && r !== null && Object.values(r).some((x) => x !== '' && x !== undefined),
  );
}

const participants = z.preprocess(filledRows, z.array(participant).max(50));

const roundFields = {
  stage: z.enum(ROUND_STAGES, { error: 'validation.choice' }),
  instrument: z.enum(INSTRUMENTS, { error: 'validation.choice' }),
  status: z.enum(ROUND_STATUSES, { error: 'validation.choice' }),
  amountKrw: requiredKrw,
  currency: z.preprocess(
    (v) => (v === '' || v === undefined ? 'KRW' : v),
    z.enum(CURRENCY_CODES, { error: 'validation.choice' }),
  ),
  amountForeign: optionalText(30),
  preMoneyKrw: optionalKrw,
  announcedOn: optionalDay,
  closedOn: optionalDay,
  valuationCapKrw: optionalKrw,
  discountPct: optionalNumber(0, 100),
  interestPct: optionalNumber(0, 100),
  redemptionYears: optionalInt(0, 30),
  conversionPriceKrw: optionalKrw,
  refixingFloorPct: optionalNumber(0, 100),
  note: optionalText(2000),
  participants,
};

// Runs even when single fields failed (ALWAYS), so values may still be raw form strings: read defensively.
function checkRoundFields(r: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  if (r.status === 'closed' && !text(r.closedOn)) issue('closedOn', 'rounds.errors.closedOnNeeded');
  const closedOn = text(r.closedOn);
  const announcedOn = text(r.announcedOn);
  if (closedOn && announcedOn && closedOn < announcedOn) issue('closedOn', 'rounds.errors.closedBeforeAnnounced');
  const currency = text(r.currency) ?? 'KRW';
  if (currency !== 'KRW' && currency in CURRENCIES) {
    const foreign = text(r.amountForeign);
    if (!foreign) issue('amountForeign', 'rounds.errors.foreignNeeded');
    else if (toMinorUnits(foreign, currency as Currency) === undefined)
      issue('amountForeign', 'rounds.errors.foreignFormat');
  }
  const rows = Array.isArray(r.participants) ? (r.participants as Record<string, unknown>[]) : [];
  const ids = rows.map((p) => p.investor).filter(Boolean);
  if (new Set(ids).size !== ids.length) issue('participants', 'rounds.errors.duplicateInvestor');
  if (rows.some((p) => !p.investor)) issue('participants', 'rounds.errors.investorNeeded');
  // The sum rule needs parsed amounts; with unparsed ones the amount fields carry their own errors.
  if (
    typeof r.amountKrw === 'number' &&
    rows.every((p) => p.amountKrw === undefined || typeof p.amountKrw === 'number')
  ) {
    const check = checkParticipants({ amountKrw: r.amountKrw, status: String(r.status), participants: rows });
    if (check.error) issue('participants', `rounds.errors.${check.error}`);
  }
}

export const roundBody = z
  .strictObject({ ...csrfField, ...roundFields })
  .superRefine(checkRoundFields, { when: () => true });
export type RoundInput = z.infer<typeof roundBody>;
// The edit form also carries the version it was loaded at (server/lib/edit-conflict.ts).
export const editRoundBody = z
  .strictObject({ ...csrfField, ...editVersionFields, ...roundFields })
  .superRefine(checkRoundFields, { when: () => true });
// A new round may be recorded from a match that reached "invested" (the deal-flow hand-off): the form carries the match
// it is linked to once saved.
export const newRoundBody = z
  // newId: the id the form was given for the round it creates, so the same form sent twice records one round.
  .strictObject({ ...csrfField, ...roundFields, match: optionalId, newId: optionalId })
  .superRefine(checkRoundFields, { when: () => true });
export const newRoundQuery = z.strictObject({ match: optionalId });
export const roundParams = z.strictObject({ id: objectId, roundId: objectId });
