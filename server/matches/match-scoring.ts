import { compareNames } from '../lib/names.js';
import type { Instrument, InvestorRegion, RoundStage, Sector } from '../../models/enums.js';

// How much each kind of fit counts. The score is the points won out of all there are, as a percentage.
export const WEIGHTS = {
  sectorPrimary: 30,
  sectorSecondary: 10,
  stage: 20,
  ticket: 20,
  instrument: 10,
  pastSector: 10,
  firmRounds: 15,
  bifc: 5,
} as const;
const MAX_POINTS =
  WEIGHTS.sectorPrimary +
  WEIGHTS.stage +
  WEIGHTS.ticket +
  WEIGHTS.instrument +
  WEIGHTS.pastSector +
  WEIGHTS.firmRounds +
  WEIGHTS.bifc;
const POINTS_PER_SECTOR_ROUND = 5;

export type Thesis = {
  sectors: readonly Sector[];
  stages: readonly RoundStage[];
  instruments: readonly Instrument[];
  ticketMinKrw?: number | null;
  ticketMaxKrw?: number | null;
  regions: readonly InvestorRegion[];
};

export type FitInvestor = { id: string; name: string; archived: boolean; bifcBased: boolean; thesis?: Thesis | null };
export type FitFirm = {
  id: string;
  name: string;
  archived: boolean;
  sectorPrimary: Sector;
  sectorsSecondary: readonly Sector[];
  targetKrw?: number | null;
  stage?: RoundStage | null;
  instrument?: Instrument | null;
};
// What the investor did before: rounds in firms of this firm's primary sector (and how many it led), rounds of this firm.
export type Track = { sectorRounds: number; sectorLeads: number; firmRounds: number };
const NO_TRACK: Track = { sectorRounds: 0, sectorLeads: 0, firmRounds: 0 };

export type Reason =
  | { kind: 'sectorPrimary'; sector: Sector }
  | { kind: 'sectorSecondary'; sector: Sector }
  | { kind: 'stage'; stage: RoundStage }
  | { kind: 'ticket'; minKrw?: number; maxKrw?: number; targetKrw: number }
  | { kind: 'instrument'; instrument: Instrument }
  | { kind: 'pastSector'; sector: Sector; count: number; leads: number }
  | { kind: 'firmRounds'; count: number }
  | { kind: 'bifc' }
  | { kind: 'busanFocus' };
// Facts that explain a low score rather than add to it.
type Note = 'noThesis' | 'noTarget';

export type Fit = { score: number; points: number; reasons: Reason[]; notes: Note[] };

const hasTicket = (t: Thesis) => t.ticketMinKrw != null || t.ticketMaxKrw != null;

// How well an investor fits a firm's raise, with the reasons in the order a person reads them.
export function scoreFit(firm: FitFirm, investor: FitInvestor, track: Track = NO_TRACK): Fit {
  const reasons: Reason[] = [];
  const notes: Note[] = [];
  let points = 0;
  const add = (p: number, r: Reason) => {
    points += p;
    reasons.push(r);
  };
  const thesis = investor.thesis;
  if (!thesis) notes.push('noThesis');
  if (firm.targetKrw == null) notes.push('noTarget');
  if (thesis) {
    if (thesis.sectors.includes(firm.sectorPrimary))
      add(WEIGHTS.sectorPrimary, { kind: 'sectorPrimary', sector: firm.sectorPrimary });
    else {
      const secondary = firm.sectorsSecondary.find((s) => thesis.sectors.includes(s));
      if (secondary) add(WEIGHTS.sectorSecondary, { kind: 'sectorSecondary', sector: secondary });
    }
    if (firm.stage && thesis.stages.includes(firm.stage)) add(WEIGHTS.stage, { kind: 'stage', stage: firm.stage });
    if (firm.targetKrw != null && hasTicket(thesis)) {
      const above = thesis.ticketMinKrw == null || firm.targetKrw >= thesis.ticketMinKrw;
      const below = thesis.ticketMaxKrw == null || firm.targetKrw <= thesis.ticketMaxKrw;
      if (above && below) {
        add(WEIGHTS.ticket, {
          kind: 'ticket',
          minKrw: thesis.ticketMinKrw ?? undefined,
          maxKrw: thesis.ticketMaxKrw ?? undefined,
          targetKrw: firm.targetKrw,
        });
      }
    }
    if (firm.instrument && thesis.instruments.includes(firm.instrument))
      add(WEIGHTS.instrument, { kind: 'instrument', instrument: firm.instrument });
  }
  if (track.sectorRounds > 0) {
    add(Math.min(WEIGHTS.pastSector, track.sectorRounds * POINTS_PER_SECTOR_ROUND), {
      kind: 'pastSector',
      sector: firm.sectorPrimary,
      count: track.sectorRounds,
      leads: track.sectorLeads,
    });
  }
  if (track.firmRounds > 0) add(WEIGHTS.firmRounds, { kind: 'firmRounds', count: track.firmRounds });
  if (investor.bifcBased) add(WEIGHTS.bifc, { kind: 'bifc' });
  else if (thesis?.regions.includes('busan')) add(WEIGHTS.bifc, { kind: 'busanFocus' });
  return { score: Math.round((100 * points) / MAX_POINTS), points, reasons, notes };
}

export type Ranked<T> = { item: T; fit: Fit; openMatch: boolean };

// Highest score first; equal scores by name, then id, so the order never changes between two page loads.
function byFit<T extends { id: string; name: string }>(a: Ranked<T>, b: Ranked<T>): number {
  return (
    b.fit.points - a.fit.points || compareNames(a.item.name, b.item.name, 'ko') || a.item.id.localeCompare(b.item.id)
  );
}

// Investor organisations for a firm's raise, best first; archived ones are left out, ones already matched are marked.
export function rankInvestors(
  firm: FitFirm,
  investors: readonly FitInvestor[],
  tracks: ReadonlyMap<string, Track>,
  openMatchWith: ReadonlySet<string>,
): Ranked<FitInvestor>[] {
  return investors
    .filter((i) => !i.archived)
    .map((i) => ({ item: i, fit: scoreFit(firm, i, tracks.get(i.id)), openMatch: openMatchWith.has(i.id) }))
    .sort(byFit);
}

// The other way round: firms for an investor's thesis, best first (archived firms left out).
export function rankFirms(
  investor: FitInvestor,
  firms: readonly FitFirm[],
  tracks: ReadonlyMap<string, Track>,
  openMatchWith: ReadonlySet<string>,
): Ranked<FitFirm>[] {
  return firms
    .filter((f) => !f.archived)
    .map((f) => ({ item: f, fit: scoreFit(f, investor, tracks.get(f.id)), openMatch: openMatchWith.has(f.id) }))
    .sort(byFit);
}
