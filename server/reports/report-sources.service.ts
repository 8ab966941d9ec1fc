import { z } from 'zod';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { MatchModel } from '../../models/match.model.js';
import { compareNames, nameIn } from '../lib/names.js';
import { readComputed } from '../lib/computed.service.js';
import type { Lang } from '../lib/money.js';
import { residentOn, type Day } from './cohort-count.js';
import { funnelOn, type FunnelRow } from './report-funnel.js';
import type { FundFacts } from './report-metrics.js';
import type { CohortFirm } from './report-tables.js';

// What the reports read from other features' collections besides the monthly summaries: aggregates only, never people,
// notes or one investor's figures (the reports are for viewers and API tokens too).

// The BIFC startup funds: only the organisations with one (an indexed, small set), their sizes summed per vintage (what
// the city's target adds up by day; a fund without a vintage never counts). Kept as two arrays of plain values: the
// funds as objects were a 155 KB figure at ten times the town's size, which the embedded database took 44 ms to decode
// for every report.
const KeptFunds = z.object({ vintages: z.array(z.string()), sizes: z.array(z.number()) });

export async function bifcFunds(): Promise<FundFacts[]> {
  const kept = await readComputed('investors', 'bifc-funds', readBifcFunds, KeptFunds);
  return kept.vintages.map((vintage, i) => ({ vintage, sizeKrw: kept.sizes[i] ?? 0 }));
}

async function readBifcFunds(): Promise<z.infer<typeof KeptFunds>> {
  const orgs = await InvestorOrgModel.find({ 'funds.bifcStartupFund': true }, { funds: 1 }).lean();
  const byVintage = new Map<string, number>();
  for (const f of orgs.flatMap((o) => o.funds))
    if (f.bifcStartupFund && f.vintage) byVintage.set(f.vintage, (byVintage.get(f.vintage) ?? 0) + f.sizeKrw);
  const vintages = [...byVintage.keys()].sort();
  return { vintages, sizes: vintages.map((v) => byVintage.get(v)!) };
}

// The firms resident on the day, for the cohort list: only the firms ever resident (an indexed field), then the counting
// rule in code. Name, sector, current status and stage, and the totals; nothing else leaves this function.
export function cohortOn(day: Day, lang: Lang): Promise<CohortFirm[]> {
  return readComputed('firms', `cohort:${day}:${lang}`, () => readCohortOn(day, lang));
}

async function readCohortOn(day: Day, lang: Lang): Promise<CohortFirm[]> {
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
    .sort((a, b) => compareNames(a.name, b.name, lang));
}

// The deal-flow funnel reads every match's stage history (FerretDB v1 has no $facet or date operators to do it in the
// database; computed in TypeScript), kept per day asked until a match changes (models/computed.model.ts).
export function funnelFor(day: Day): Promise<FunnelRow[]> {
  return readComputed('matches', `funnel:${day}`, async () => {
    const matches = await MatchModel.find({}, { history: 1 }).lean();
    return funnelOn(
      matches.map((m) => ({ history: m.history.map((h) => ({ stage: h.stage, at: h.at, cycle: h.cycle })) })),
      day,
    );
  });
}
