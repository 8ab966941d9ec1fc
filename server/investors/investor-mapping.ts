import type { InvestorInput } from './investors.schemas.js';

// An organisation's editable fields, flat as its form and the CSV name them, and as stored (the thesis nested).

// Flat form/CSV fields → the stored shape. Empty optional fields stay undefined (unset, not stored as '').
export function toInvestorRecord(f: Omit<InvestorInput, '_csrf'>) {
  return {
    nameKo: f.nameKo,
    nameEn: f.nameEn,
    type: f.type,
    website: f.website,
    bifcBased: f.bifcBased,
    thesis: {
      sectors: f.thesisSectors,
      stages: f.thesisStages,
      instruments: f.thesisInstruments,
      regions: f.thesisRegions,
      ticketMinKrw: f.ticketMinKrw,
      ticketMaxKrw: f.ticketMaxKrw,
      notes: f.thesisNotes,
    },
  };
}

export type StoredInvestor = {
  nameKo?: string | null;
  nameEn?: string | null;
  type: string;
  website?: string | null;
  bifcBased?: boolean | null;
  thesis?: {
    sectors?: string[] | null;
    stages?: string[] | null;
    instruments?: string[] | null;
    regions?: string[] | null;
    ticketMinKrw?: number | null;
    ticketMaxKrw?: number | null;
    notes?: string | null;
  } | null;
};

const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

// Stored organisation → flat values, for the edit form (and its merge after a conflicting save) and the CSV export.
export function toInvestorFields(o: StoredInvestor): Record<string, string | string[]> {
  return {
    nameKo: s(o.nameKo),
    nameEn: s(o.nameEn),
    type: s(o.type),
    website: s(o.website),
    bifcBased: o.bifcBased ? 'true' : '',
    thesisSectors: o.thesis?.sectors ?? [],
    thesisStages: o.thesis?.stages ?? [],
    thesisInstruments: o.thesis?.instruments ?? [],
    thesisRegions: o.thesis?.regions ?? [],
    ticketMinKrw: s(o.thesis?.ticketMinKrw),
    ticketMaxKrw: s(o.thesis?.ticketMaxKrw),
    thesisNotes: s(o.thesis?.notes),
  };
}

export type StoredFundFields = {
  name: string;
  sizeKrw: number;
  vintage?: string | null;
  dryPowderKrw?: number | null;
  bifcStartupFund?: boolean | null;
};

// A fund (stored, or as typed) as its edit form's values.
export function toFundFields(f: StoredFundFields): Record<string, string> {
  return {
    name: f.name,
    sizeKrw: s(f.sizeKrw),
    vintage: s(f.vintage),
    dryPowderKrw: s(f.dryPowderKrw),
    bifcStartupFund: f.bifcStartupFund ? 'true' : '',
  };
}
