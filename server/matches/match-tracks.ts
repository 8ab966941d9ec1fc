import type { Sector } from '../../models/enums.js';
import type { Track } from './match-scoring.js';

// What investors did before, from funding rounds (pure; the rounds are read with one query per relation).
export type TrackRound = {
  firm: string;
  status: string;
  participants: readonly { investor: string; lead?: boolean | null }[];
};

const counted = (r: TrackRound) => r.status !== 'cancelled';

// For one firm: per investor, its rounds in other firms of the firm's primary sector (and how many it led), and its
// rounds in this firm. `sectorRounds` holds the rounds of every firm of that sector, this firm's included.
export function tracksForFirm(firmId: string, sectorRounds: readonly TrackRound[]): Map<string, Track> {
  const tracks = new Map<string, Track>();
  const of = (id: string) =>
    tracks.get(id) ?? tracks.set(id, { sectorRounds: 0, sectorLeads: 0, firmRounds: 0 }).get(id)!;
  for (const round of sectorRounds.filter(counted)) {
    for (const investor of new Set(round.participants.map((p) => p.investor))) {
      const t = of(investor);
      if (round.firm === firmId) t.firmRounds += 1;
      else {
        t.sectorRounds += 1;
        if (round.participants.some((p) => p.investor === investor && p.lead)) t.sectorLeads += 1;
      }
    }
  }
  return tracks;
}

// For one investor: per firm, the investor's rounds in other firms of that firm's primary sector (and leads), and its
// rounds in that firm. `rounds` are the rounds the investor joined; `sectorOf` knows the sector of each of their firms.
export function tracksForInvestor(
  investorId: string,
  rounds: readonly TrackRound[],
  sectorOf: ReadonlyMap<string, Sector>,
  firms: readonly { id: string; sectorPrimary: Sector }[],
): Map<string, Track> {
  const bySector = new Map<Sector, { rounds: number; leads: number }>();
  const byFirm = new Map<string, { rounds: number; leads: number }>();
  const add = <K>(m: Map<K, { rounds: number; leads: number }>, k: K, lead: boolean) => {
    const c = m.get(k) ?? m.set(k, { rounds: 0, leads: 0 }).get(k)!;
    c.rounds += 1;
    if (lead) c.leads += 1;
  };
  for (const round of rounds.filter(counted)) {
    const mine = round.participants.filter((p) => p.investor === investorId);
    if (!mine.length) continue;
    const lead = mine.some((p) => p.lead);
    add(byFirm, round.firm, lead);
    const sector = sectorOf.get(round.firm);
    if (sector) add(bySector, sector, lead);
  }
  const tracks = new Map<string, Track>();
  for (const f of firms) {
    const own = byFirm.get(f.id) ?? { rounds: 0, leads: 0 };
    const sector = bySector.get(f.sectorPrimary) ?? { rounds: 0, leads: 0 };
    // Rounds in this firm count as its own history, not as sector experience.
    const sameSector = sectorOf.get(f.id) === f.sectorPrimary;
    const track = {
      sectorRounds: sector.rounds - (sameSector ? own.rounds : 0),
      sectorLeads: sector.leads - (sameSector ? own.leads : 0),
      firmRounds: own.rounds,
    };
    if (track.sectorRounds || track.firmRounds) tracks.set(f.id, track);
  }
  return tracks;
}
