import { CURRENCIES, toMinorUnits, type RoundInput } from './rounds.schemas.js';

// A round as stored (or about to be): what the form and the CSV show of it.
export type StoredRound = {
  stage?: string | null;
  instrument?: string | null;
  status?: string | null;
  amountKrw?: number | null;
  currency?: string | null;
  amountMinor?: number | null;
  preMoneyKrw?: number | null;
  announcedOn?: string | null;
  closedOn?: string | null;
  note?: string | null;
  terms?: {
    valuationCapKrw?: number | null;
    discountPct?: number | null;
    interestPct?: number | null;
    redemptionYears?: number | null;
    conversionPriceKrw?: number | null;
    refixingFloorPct?: number | null;
  } | null;
  participants?: { investor: unknown; amountKrw?: number | null; lead?: boolean | null }[] | null;
};

// Form (and CSV) input → the stored shape: a foreign amount in minor units, the instrument's terms nested. Investor ids
// stay strings; the model casts them.
export function toRoundRecord(input: RoundInput) {
  const {
    _csrf,
    amountForeign,
    valuationCapKrw,
    discountPct,
    interestPct,
    redemptionYears,
    conversionPriceKrw,
    refixingFloorPct,
    participants,
    ...rest
  } = input;
  return {
    ...rest,
    amountMinor: input.currency !== 'KRW' && amountForeign ? toMinorUnits(amountForeign, input.currency) : undefined,
    terms: { valuationCapKrw, discountPct, interestPct, redemptionYears, conversionPriceKrw, refixingFloorPct },
    participants: participants.map((p) => ({ investor: p.investor!, amountKrw: p.amountKrw, lead: p.lead })),
  };
}

const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

// "Minor units" back to the decimal amount the form and the CSV show: 123456 USD → "1234.56".
function foreignAmountText(minor: number | null | undefined, currency: string | null | undefined): string {
  if (typeof minor !== 'number') return '';
  const digits = CURRENCIES[(currency ?? 'KRW') as keyof typeof CURRENCIES] ?? 0;
  return digits
    ? `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}`
    : String(minor);
}

// A round → the text of each of its fields, as the edit form shows them and the CSV export writes them (participants
// apart: the form lists them as rows, the CSV as one cell of names).
export function toRoundFields(r: StoredRound) {
  return {
    stage: s(r.stage),
    instrument: s(r.instrument),
    status: s(r.status),
    amountKrw: s(r.amountKrw),
    currency: s(r.currency ?? 'KRW'),
    amountForeign: foreignAmountText(r.amountMinor, r.currency),
    preMoneyKrw: s(r.preMoneyKrw),
    announcedOn: s(r.announcedOn),
    closedOn: s(r.closedOn),
    valuationCapKrw: s(r.terms?.valuationCapKrw),
    discountPct: s(r.terms?.discountPct),
    interestPct: s(r.terms?.interestPct),
    redemptionYears: s(r.terms?.redemptionYears),
    conversionPriceKrw: s(r.terms?.conversionPriceKrw),
    refixingFloorPct: s(r.terms?.refixingFloorPct),
    note: s(r.note),
  };
}
