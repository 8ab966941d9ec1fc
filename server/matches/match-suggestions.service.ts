import { MatchModel } from '../../models/match.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import type { Sector } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import { rankFirms, rankInvestors, type FitFirm, type FitInvestor, type Ranked } from './match-scoring.js';
import { tracksForFirm, tracksForInvestor, type TrackRound } from './match-tracks.js';

// Suggestions: every investor organisation ranked for a firm's raise, or every firm for an investor's thesis. A fixed
// number of queries (one per relation, $in), never one per row; the scoring and the tracks are pure functions.

// Organisations and firms read to rank (a registry of this city's size; the bound keeps a page's cost fixed).
const CANDIDATE_LIMIT = 2000;
const SUGGESTION_ROWS = 60;

const FIRM_FIT_PROJECTION = {
  nameKo: 1,
  nameEn: 1,
  archived: 1,
  sectorPrimary: 1,
  sectorsSecondary: 1,
  fundraising: 1,
  status: 1,
} as const;
// Firms that left the programme (exited, withdrew, turned down) are not suggested to investors; graduates still are.
const LEFT_PROGRAMME: readonly string[] = ['exited', 'withdrawn', 'rejected'];
const INVESTOR_FIT_PROJECTION = { nameKo: 1, nameEn: 1, archived: 1, bifcBased: 1, thesis: 1, type: 1 } as const;

type StoredFirm = {
  _id: unknown;
  nameKo?: string | null;
  nameEn?: string | null;
  archived?: boolean | null;
  sectorPrimary: Sector;
  sectorsSecondary?: Sector[] | null;
  fundraising?: { targetKrw?: number | null; stage?: string | null; instrument?: string | null } | null;
  status?: string | null;
};
type StoredInvestor = {
  _id: unknown;
  nameKo?: string | null;
  nameEn?: string | null;
  archived?: boolean | null;
  bifcBased?: boolean | null;
  type?: string | null;
  thesis?: {
    sectors?: string[] | null;
    stages?: string[] | null;
    instruments?: string[] | null;
    ticketMinKrw?: number | null;
    ticketMaxKrw?: number | null;
    regions?: string[] | null;
  } | null;
};
type StoredRound = { firm: unknown; status: string; participants: { investor: unknown; lead?: boolean | null }[] };

const toFitFirm = (f: StoredFirm, lang: Lang): FitFirm => ({
  id: String(f._id),
  name: nameIn(f, lang),
  archived: Boolean(f.archived),
  sectorPrimary: f.sectorPrimary,
  sectorsSecondary: f.sectorsSecondary ?? [],
  targetKrw: f.fundraising?.targetKrw ?? null,
  stage: (f.fundraising?.stage ?? null) as FitFirm['stage'],
  instrument: (f.fundraising?.instrument ?? null) as FitFirm['instrument'],
});

// An organisation without any thesis field filled counts as having none (the score then says so).
function toFitInvestor(i: StoredInvestor, lang: Lang): FitInvestor {
  const t = i.thesis;
  const filled =
    t &&
    ((t.sectors?.length ?? 0) ||
      (t.stages?.length ?? 0) ||
      (t.instruments?.length ?? 0) ||
      (t.regions?.length ?? 0) ||
      t.ticketMinKrw != null ||
      t.ticketMaxKrw != null);
  return {
    id: String(i._id),
    name: nameIn(i, lang),
    archived: Boolean(i.archived),
    bifcBased: Boolean(i.bifcBased),
    thesis: filled
      ? {
          sectors: (t.sectors ?? []) as FitFirm['sectorsSecondary'],
          stages: (t.stages ?? []) as NonNullable<FitInvestor['thesis']>['stages'],
          instruments: (t.instruments ?? []) as NonNullable<FitInvestor['thesis']>['instruments'],
          ticketMinKrw: t.ticketMinKrw ?? null,
          ticketMaxKrw: t.ticketMaxKrw ?? null,
          regions: (t.regions ?? []) as NonNullable<FitInvestor['thesis']>['regions'],
        }
      : null,
  };
}

const toTrackRound = (r: StoredRound): TrackRound => ({
  firm: String(r.firm),
  status: r.status,
  participants: r.participants.map((p) => ({ investor: String(p.investor), lead: p.lead })),
});

export type InvestorSuggestions = {
  firm: StoredFirm & { _id: unknown };
  rows: (Ranked<FitInvestor> & { type?: string; matchId?: string })[];
  total: number;
};

// Investor organisations for a firm, best first. Tracks: the rounds of every firm in its primary sector (archived ones
// too: a past round is experience all the same), read as firm ids then rounds ($in).
export async function investorSuggestions(firmId: string, lang: Lang): Promise<InvestorSuggestions> {
  const firm = await FirmModel.findById(firmId, FIRM_FIT_PROJECTION).lean<StoredFirm>();
  if (!firm) throw NotFound('firm');
  const [investors, sectorFirms, open] = await Promise.all([
    InvestorOrgModel.find({ archived: false }, INVESTOR_FIT_PROJECTION).limit(CANDIDATE_LIMIT).lean<StoredInvestor[]>(),
    FirmModel.find({ archived: { $in: [false, true] }, sectorPrimary: firm.sectorPrimary }, { _id: 1 })
      .limit(CANDIDATE_LIMIT)
      .lean(),
    MatchModel.find({ firm: firmId, open: true }, { investor: 1 }).lean(),
  ]);
  const rounds = await FundingRoundModel.find(
    { firm: { $in: sectorFirms.map((f) => f._id) } },
    { firm: 1, status: 1, participants: 1 },
  ).lean<StoredRound[]>();
  const openWith = new Map(open.map((m) => [String(m.investor), String(m._id)]));
  const ranked = rankInvestors(
    toFitFirm(firm, lang),
    investors.map((i) => toFitInvestor(i, lang)),
    tracksForFirm(String(firm._id), rounds.map(toTrackRound)),
    new Set(openWith.keys()),
  );
  const typeOf = new Map(investors.map((i) => [String(i._id), i.type ?? undefined]));
  return {
    firm,
    rows: ranked
      .slice(0, SUGGESTION_ROWS)
      .map((r) => ({ ...r, type: typeOf.get(r.item.id), matchId: openWith.get(r.item.id) })),
    total: ranked.length,
  };
}

export type FirmSuggestions = {
  investor: StoredInvestor;
  rows: (Ranked<FitFirm> & { matchId?: string })[];
  total: number;
};

// Firms for an investor's thesis, best first. Tracks: the rounds it joined (by the participants index), and the sectors
// of those rounds' firms (the firms read for ranking, plus archived ones in one $in).
export async function firmSuggestions(investorId: string, lang: Lang): Promise<FirmSuggestions> {
  const investor = await InvestorOrgModel.findById(investorId, INVESTOR_FIT_PROJECTION).lean<StoredInvestor>();
  if (!investor) throw NotFound('investor');
  const [firms, rounds, open] = await Promise.all([
    FirmModel.find({ archived: false }, FIRM_FIT_PROJECTION).limit(CANDIDATE_LIMIT).lean<StoredFirm[]>(),
    FundingRoundModel.find({ 'participants.investor': investorId }, { firm: 1, status: 1, participants: 1 }).lean<
      StoredRound[]
    >(),
    MatchModel.find({ investor: investorId, open: true }, { firm: 1 }).lean(),
  ]);
  const sectorOf = new Map<string, Sector>(firms.map((f) => [String(f._id), f.sectorPrimary]));
  const missing = [...new Set(rounds.map((r) => String(r.firm)))].filter((id) => !sectorOf.has(id));
  if (missing.length) {
    for (const f of await FirmModel.find({ _id: { $in: missing } }, { sectorPrimary: 1 }).lean())
      sectorOf.set(String(f._id), f.sectorPrimary);
  }
  const fitFirms = firms.filter((f) => !LEFT_PROGRAMME.includes(f.status ?? '')).map((f) => toFitFirm(f, lang));
  const tracks = tracksForInvestor(investorId, rounds.map(toTrackRound), sectorOf, fitFirms);
  const openWith = new Map(open.map((m) => [String(m.firm), String(m._id)]));
  const ranked = rankFirms(toFitInvestor(investor, lang), fitFirms, tracks, new Set(openWith.keys()));
  return {
    investor,
    rows: ranked.slice(0, SUGGESTION_ROWS).map((r) => ({ ...r, matchId: openWith.get(r.item.id) })),
    total: ranked.length,
  };
}
