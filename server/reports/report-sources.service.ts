import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { MatchModel } from '../../models/match.model.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import { residentOn, type Day } from './cohort-count.js';
import { funnelOn, type FunnelRow } from './report-funnel.js';
import type { FundFacts } from './report-metrics.js';
import type { CohortFirm } from './report-tables.js';

// What the reports read from other features' collections besides the monthly summaries: aggregates only, never people,
// notes or one investor's figures (the reports are for viewers and API tokens too).

// The BIFC startup funds: only the organisations with one (an indexed, small set), only the funds' size and vintage.
export async function bifcFunds(): Promise<FundFacts[]> {
  const orgs = await InvestorOrgModel.find({ 'funds.bifcStartupFund': true }, { funds: 1 }).lean();
  return orgs.flatMap((o) =>
    o.funds.filter((f) => f.bifcStartupFund).map((f) => ({ sizeKrw: f.sizeKrw, vintage: f.vintage })),
  );
}

// The firms resident on the day, for the cohort list: only the firms ever resident (an indexed field), then the counting
// rule in code. Name, sector, current status and stage, and the totals; nothing else leaves this function.
export async function cohortOn(day: Day, lang: Lang): Promise<CohortFirm[]> {
  const firms = await FirmModel.find(
    { 'statusHistory.status': 'resident' },
    { nameKo: 1, nameEn: 1, sectorPrimary: 1, status: 1, stage: 1, statusHistory: 1, totals: 1 },
  ).lean();
  return firms
    .filter((f) =>
      residentOn(
        f.statusHistory.map((s) => ({ status: s.status, on: s.on })),
        day,
      ),
    )
    .map((f) => ({
      id: String(f._id),
      name: nameIn(f, lang),
      sector: f.sectorPrimary,
      status: f.status,
      stage: f.stage,
      raisedKrw: f.totals?.raisedKrw ?? 0,
      rounds: f.totals?.roundCount ?? 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

// The deal-flow funnel reads every match's stage history (FerretDB v1 has no $facet or date operators to do it in the
// database; computed in TypeScript). The matches service has no hook into the monthly summaries yet, so the funnel is
// kept in memory for a minute per day asked, for at most FUNNEL_CACHE_SIZE days: at most one read of the matches per
// minute per day, not one per request.
const FUNNEL_TTL_MS = 60_000;
const FUNNEL_CACHE_SIZE = 16;
const funnelCache = new Map<Day, { at: number; rows: FunnelRow[] }>();

export async function funnelFor(day: Day, now = Date.now()): Promise<FunnelRow[]> {
  const hit = funnelCache.get(day);
  if (hit && now - hit.at < FUNNEL_TTL_MS) return hit.rows;
  const matches = await MatchModel.find({}, { history: 1 }).lean();
  const rows = funnelOn(
    matches.map((m) => ({ history: m.history.map((h) => ({ stage: h.stage, at: h.at, cycle: h.cycle })) })),
    day,
  );
  funnelCache.delete(day);
  funnelCache.set(day, { at: now, rows });
  while (funnelCache.size > FUNNEL_CACHE_SIZE) funnelCache.delete(funnelCache.keys().next().value!);
  return rows;
}
