import type { TargetMetric } from '../../models/enums.js';
import type { Day } from './cohort-count.js';
import type { Ledger } from './report-figures.js';

// A BIFC startup investment fund: its size and vintage (the day it was formed).
export type FundFacts = { sizeKrw: number; vintage?: string | null };

// Where the metrics come from: the monthly summaries (a Ledger over report_months) and the BIFC startup funds.
export type MetricSources = { ledger: Ledger; bifcFunds: readonly FundFacts[] };

export type MetricUnit = 'krw' | 'count';
export const metricUnit = (metric: TargetMetric): MetricUnit =>
  metric === 'bifc-fund-capital' || metric === 'capital-raised-resident' ? 'krw' : 'count';

// The value of each metric on day D, the same for a past day whenever it is asked (the counting rules, described to
// users in server/locales/<lang>/reports.json under metrics.<metric>.rule):
// - resident-firms: firms whose status history has them resident on D (cohort-count.ts residentOn);
// - bifc-fund-capital: the sizes of the funds marked as BIFC startup funds with a vintage on or before D (a fund without
//   a vintage date is not counted: it cannot be placed in time);
// - capital-raised-resident: closed rounds (every stage, grants included) closed on or before D by a firm resident on
//   its closing day;
// - jobs-resident: the headcount of the firms resident on D, as recorded on D (from the audit log of headcount changes);
// - tips-selections: firms of the registry with a TIPS selection date on or before D;
// - follow-on-rounds: of those rounds, the ones closed by a firm that had closed a round before.
export function metricValueOn(metric: TargetMetric, day: Day, sources: MetricSources): number {
  if (metric === 'bifc-fund-capital') {
    return sources.bifcFunds.reduce((sum, f) => sum + (f.vintage && f.vintage <= day ? f.sizeKrw : 0), 0);
  }
  const figures = sources.ledger.upTo(day);
  switch (metric) {
    case 'resident-firms':
      return figures.residents;
    case 'capital-raised-resident':
      return figures.raisedKrw;
    case 'jobs-resident':
      return figures.jobs;
    case 'tips-selections':
      return figures.tipsSelections;
    case 'follow-on-rounds':
      return figures.followOns;
  }
}
