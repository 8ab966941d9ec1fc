import { FIRM_STAGES, ROUND_STAGES, SECTORS, type TargetMetric } from '../../models/enums.js';
import type { EnumName } from '../lib/labels.js';
import { addMonths, monthEnds, monthsBetween, quarterEnd, quarterStart, quartersBetween } from './calendar.js';
import type { Day } from './cohort-count.js';
import type { Figures, Ledger } from './report-figures.js';
import { NO_STAGE } from './report-events.js';
import type { FunnelRow } from './report-funnel.js';
import { metricUnit, type MetricUnit } from './report-metrics.js';
import { paceOf } from './target-pace.js';

// The dashboard's tables: one builder per table from the report's sources, the same rows for the page, its CSV, the
// JSON API and the charts (which are drawn from these tables), so every figure reads the same everywhere.

export const TABLE_NAMES = [
  'targets',
  'residents',
  'sectors',
  'stages',
  'moves',
  'capital',
  'tips',
  'funnel',
  'cohort',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];
// The tables drawn as charts (the cohort and the targets are lists).
export const CHART_NAMES = [
  'residents',
  'sectors',
  'stages',
  'moves',
  'capital',
  'tips',
  'funnel',
] as const satisfies readonly TableName[];
export type ChartName = (typeof CHART_NAMES)[number];

// How a cell is shown: a count, won, a percentage, a day, a quarter ("2026-Q3"), a code of a vocabulary, a name, the
// amount of a target (won or a count, by the row's unit), a projection (a day, 'met' or 'not-on-pace').
type CellKind = 'text' | 'count' | 'decimal' | 'krw' | 'pct' | 'day' | 'quarter' | 'enum' | 'amount' | 'projection';
export type Column = { key: string; kind: CellKind; vocab?: EnumName | 'stagesOrNone'; label?: string };
export type Cell = string | number | null;
export type Row = Record<string, Cell>;
export type Table = { name: TableName; columns: Column[]; rows: Row[] };

export type TargetLike = {
  _id: unknown;
  nameKo?: string | null;
  nameEn?: string | null;
  metric: TargetMetric;
  baseline: { value: number; on: string };
  target: { value: number; on: string };
  milestones?: { value: number; on: string }[] | null;
};

export type CohortFirm = {
  id: string;
  name: string;
  sector: string;
  status: string;
  stage?: string | null;
  raisedKrw: number;
  rounds: number;
};

export type ReportSources = {
  asOf: Day;
  // The first day of the monthly series when there is no resident-firms target: the earliest target baseline (or two
  // years before the day when there are no targets).
  start: Day;
  // The first day of the quarterly tables: the last twelve quarters, from the first month with any figures.
  quartersFrom: Day;
  targets: readonly (TargetLike & { name: string })[];
  valueOn: (metric: TargetMetric, day: Day) => number;
  ledger: Ledger;
  funnel?: readonly FunnelRow[];
  cohort?: readonly CohortFirm[];
};

// The days a report on `asOf` reads figures on mid-month (the ledger loads those months' entries).
export function daysRead(asOf: Day, targets: readonly TargetLike[]): Day[] {
  const milestones = targets.flatMap((t) => (t.milestones ?? []).map((m) => m.on)).filter((d) => d <= asOf);
  return [asOf, addMonths(asOf, -6), addMonths(asOf, -12), ...milestones];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
// Per-month paces: won to the nearest 만원 (10,000 won; a monthly pace to the won reads as noise), counts to two decimals.
const perMonth = (n: number | undefined, unit: MetricUnit) =>
  n === undefined ? null : unit === 'krw' ? Math.round(n / 10_000) * 10_000 : round(n, 2);

function targetsTable(s: ReportSources): Table {
  const rows = s.targets.map((t): Row => {
    const unit = metricUnit(t.metric);
    const pace = paceOf({ baseline: t.baseline, target: t.target }, s.asOf, (day) => s.valueOn(t.metric, day));
    const next = (t.milestones ?? []).filter((m) => m.on >= s.asOf).sort((a, b) => a.on.localeCompare(b.on))[0];
    return {
      id: String(t._id),
      name: t.name,
      metric: t.metric,
      unit,
      baselineValue: t.baseline.value,
      baselineOn: t.baseline.on,
      targetValue: t.target.value,
      targetOn: t.target.on,
      value: pace.value,
      progressPct: round(pace.progress * 100, 1),
      requiredPerMonth: perMonth(pace.requiredPerMonth, unit),
      actualPerMonth6: perMonth(pace.actualPerMonth6, unit),
      actualPerMonth12: perMonth(pace.actualPerMonth12, unit),
      projected: pace.projected,
      nextMilestoneOn: next?.on ?? null,
      nextMilestoneValue: next?.value ?? null,
    };
  });
  return {
    name: 'targets',
    columns: [
      { key: 'name', kind: 'text' },
      { key: 'metric', kind: 'enum', vocab: 'targetMetrics' },
      { key: 'baselineValue', kind: 'amount' },
      { key: 'baselineOn', kind: 'day' },
      { key: 'targetValue', kind: 'amount' },
      { key: 'targetOn', kind: 'day' },
      { key: 'value', kind: 'amount' },
      { key: 'progressPct', kind: 'pct' },
      { key: 'requiredPerMonth', kind: 'amount' },
      { key: 'actualPerMonth6', kind: 'amount' },
      { key: 'actualPerMonth12', kind: 'amount' },
      { key: 'projected', kind: 'projection' },
      { key: 'nextMilestoneOn', kind: 'day' },
      { key: 'nextMilestoneValue', kind: 'amount' },
    ],
    rows,
  };
}

// Resident firms at each month's end since the start (the last point is the day itself), with the straight line from the
// resident-firms target's baseline to its target.
function residentsTable(s: ReportSources): Table {
  const target = s.targets.find((t) => t.metric === 'resident-firms');
  const from = target && target.baseline.on <= s.asOf ? target.baseline.on : s.start;
  const line = (day: Day) => {
    if (!target) return null;
    const span = monthsBetween(target.baseline.on, target.target.on);
    const share = span > 0 ? Math.min(1, Math.max(0, monthsBetween(target.baseline.on, day) / span)) : 1;
    return round(target.baseline.value + (target.target.value - target.baseline.value) * share, 1);
  };
  return {
    name: 'residents',
    columns: [
      { key: 'day', kind: 'day' },
      { key: 'residents', kind: 'count' },
      { key: 'targetLine', kind: 'decimal' },
    ],
    rows: monthEnds(from, s.asOf).map((day) => ({
      day,
      residents: s.ledger.upTo(day).residents,
      targetLine: line(day),
    })),
  };
}

function breakdownTable(name: 'sectors' | 'stages', s: ReportSources): Table {
  const figures = s.ledger.upTo(s.asOf);
  const counts = name === 'sectors' ? figures.residentsBySector : figures.residentsByStage;
  const keys: readonly string[] = name === 'sectors' ? SECTORS : [...FIRM_STAGES, NO_STAGE];
  return {
    name,
    columns: [
      {
        key: name === 'sectors' ? 'sector' : 'stage',
        kind: 'enum',
        vocab: name === 'sectors' ? 'sectors' : 'stagesOrNone',
      },
      { key: 'firms', kind: 'count' },
    ],
    rows: keys
      .filter((k) => (counts[k] ?? 0) !== 0 || k !== NO_STAGE)
      .map((k) => ({ [name === 'sectors' ? 'sector' : 'stage']: k, firms: counts[k] ?? 0 })),
  };
}

// Each quarter from the start's to the day's; the day's quarter counts up to the day.
function byQuarter(s: ReportSources): { quarter: string; end: string; figures: Figures }[] {
  return quartersBetween(s.quartersFrom, s.asOf).map((quarter) => {
    const end = quarterEnd(quarter) < s.asOf ? quarterEnd(quarter) : s.asOf;
    return { quarter, end, figures: s.ledger.between(quarterStart(quarter), end) };
  });
}

function movesTable(s: ReportSources): Table {
  return {
    name: 'moves',
    columns: [
      { key: 'quarter', kind: 'quarter' },
      { key: 'admissions', kind: 'count' },
      { key: 'departures', kind: 'count' },
      { key: 'net', kind: 'count' },
    ],
    rows: byQuarter(s).map(({ quarter, figures: f }) => ({
      quarter,
      admissions: f.admissions,
      departures: f.departures,
      net: f.admissions - f.departures,
    })),
  };
}

// Capital raised by resident firms per quarter, one column per round stage that raised anything in the period.
function capitalTable(s: ReportSources): Table {
  const quarters = byQuarter(s);
  const stages = ROUND_STAGES.filter((stage) => quarters.some((q) => (q.figures.raisedByStage[stage] ?? 0) !== 0));
  return {
    name: 'capital',
    columns: [
      { key: 'quarter', kind: 'quarter' },
      ...stages.map((stage): Column => ({ key: stage, kind: 'krw', vocab: 'roundStages' })),
      { key: 'rounds', kind: 'count' },
      { key: 'total', kind: 'krw' },
    ],
    rows: quarters.map(({ quarter, figures: f }) => ({
      quarter,
      ...Object.fromEntries(stages.map((stage) => [stage, f.raisedByStage[stage] ?? 0])),
      rounds: f.rounds,
      total: f.raisedKrw,
    })),
  };
}

function tipsTable(s: ReportSources): Table {
  return {
    name: 'tips',
    columns: [
      { key: 'quarter', kind: 'quarter' },
      { key: 'selections', kind: 'count' },
      { key: 'cumulative', kind: 'count' },
    ],
    rows: byQuarter(s).map(({ quarter, end, figures: f }) => ({
      quarter,
      selections: f.tipsSelections,
      cumulative: s.ledger.upTo(end).tipsSelections,
    })),
  };
}

function funnelTable(s: ReportSources): Table {
  return {
    name: 'funnel',
    columns: [
      { key: 'stage', kind: 'enum', vocab: 'matchStages' },
      { key: 'reached', kind: 'count' },
      { key: 'current', kind: 'count' },
      { key: 'pctOfIntroduced', kind: 'pct' },
      { key: 'medianDays', kind: 'decimal' },
    ],
    rows: (s.funnel ?? []).map((r) => ({ ...r })),
  };
}

function cohortTable(s: ReportSources): Table {
  return {
    name: 'cohort',
    columns: [
      { key: 'name', kind: 'text' },
      { key: 'sector', kind: 'enum', vocab: 'sectors' },
      { key: 'status', kind: 'enum', vocab: 'firmStatuses' },
      { key: 'stage', kind: 'enum', vocab: 'stagesOrNone' },
      { key: 'raisedKrw', kind: 'krw' },
      { key: 'rounds', kind: 'count' },
    ],
    rows: (s.cohort ?? []).map((f) => ({
      name: f.name,
      sector: f.sector,
      status: f.status,
      stage: f.stage || NO_STAGE,
      raisedKrw: f.raisedKrw,
      rounds: f.rounds,
    })),
  };
}

const BUILDERS: Record<TableName, (s: ReportSources) => Table> = {
  targets: targetsTable,
  residents: residentsTable,
  sectors: (s) => breakdownTable('sectors', s),
  stages: (s) => breakdownTable('stages', s),
  moves: movesTable,
  capital: capitalTable,
  tips: tipsTable,
  funnel: funnelTable,
  cohort: cohortTable,
};

export const buildTable = (name: TableName, sources: ReportSources): Table => BUILDERS[name](sources);
