import { nameIn } from '../lib/names.js';
import { seoulToday } from '../lib/dates.js';
import type { Lang } from '../lib/money.js';
import { addMonths, quarterOf, quarterStart } from './calendar.js';
import type { Day } from './cohort-count.js';
import { loadLedger } from './report-months.service.js';
import { metricValueOn } from './report-metrics.js';
import { bifcFunds, cohortOn, funnelFor } from './report-sources.service.js';
import { buildTable, daysRead, type ReportSources, type Table, type TableName } from './report-tables.js';
import { checkAsOf } from './reports.schemas.js';
import { listTargets } from './targets.service.js';
import { computedKey, readComputed } from '../lib/computed.service.js';

export type AsOfError = 'asOfInvalid' | 'asOfFuture' | 'asOfBeforeBaseline';
export type Report =
  | { ok: false; error: AsOfError; earliest?: Day; today: Day }
  | { ok: true; asOf: Day; today: Day; earliest?: Day; tables: Partial<Record<TableName, Table>> };

// The report on the day asked (today when none): the tables asked for, built from the monthly summaries, the BIFC funds
// and, only when asked, the deal-flow funnel and the cohort list. A day that cannot be reported on comes back as an error
// the page explains (not a date, in the future, before the earliest target's baseline).
// The tables of a day are kept by the computed pattern, per day, language and set of tables, until a summary, a target,
// an organisation's funds, a match or a firm changes (the summaries mark the reports after they are written): the page
// then reads them as one document by _id, where it read the summaries, the funds and the funnel and built every table
// again. The key carries the shape's number (bump it when Table changes).
const KEPT_TABLES_SHAPE = 1;
export const TABLE_SOURCES = ['reports', 'targets', 'investors', 'matches', 'firms'] as const;

type Tables = Partial<Record<TableName, Table>>;
export type ReportDay =
  Exclude<Report, { ok: true }> | (Omit<Extract<Report, { ok: true }>, 'tables'> & { tables: () => Promise<Tables> });

// The day a report is asked for, checked, with its tables read only when called for (a page whose figures are kept
// drawn needs none of them).
export async function reportDayFor(
  asOfRaw: string | undefined,
  lang: Lang,
  names: readonly TableName[],
): Promise<ReportDay> {
  const targets = await listTargets();
  const earliest = targets.map((t) => t.baseline.on).sort()[0];
  const today = seoulToday();
  const check = checkAsOf(asOfRaw, today, earliest);
  if (!check.ok) return { ok: false, error: check.error, earliest, today };
  const asOf = check.day;
  const tables = () =>
    readComputed<Tables>(TABLE_SOURCES, computedKey(`report-tables:${KEPT_TABLES_SHAPE}`, { asOf, lang, names }), () =>
      buildTables(asOf, lang, names, targets, earliest),
    );
  return { ok: true, asOf, today, earliest, tables };
}

export async function reportFor(asOfRaw: string | undefined, lang: Lang, names: readonly TableName[]): Promise<Report> {
  const day = await reportDayFor(asOfRaw, lang, names);
  return day.ok ? { ...day, tables: await day.tables() } : day;
}

async function buildTables(
  asOf: Day,
  lang: Lang,
  names: readonly TableName[],
  targets: Awaited<ReturnType<typeof listTargets>>,
  earliest: Day | undefined,
): Promise<Partial<Record<TableName, Table>>> {
  const [ledger, funds, funnel, cohort] = await Promise.all([
    loadLedger(daysRead(asOf, targets)),
    bifcFunds(),
    names.includes('funnel') ? funnelFor(asOf) : undefined,
    names.includes('cohort') ? cohortOn(asOf, lang) : undefined,
  ]);
  const twelveQuarters = quarterStart(quarterOf(addMonths(asOf, -33)));
  const firstData = ledger.firstMonth ? `${ledger.firstMonth}-01` : asOf;
  const sources: ReportSources = {
    asOf,
    start: earliest ?? addMonths(asOf, -24),
    quartersFrom: [twelveQuarters, firstData < asOf ? firstData : asOf].sort()[1]!,
    targets: targets.map((t) => ({ ...t, name: nameIn(t, lang) })),
    valueOn: (metric, day) => metricValueOn(metric, day, { ledger, bifcFunds: funds }),
    ledger,
    funnel,
    cohort,
  };
  return Object.fromEntries(names.map((n) => [n, buildTable(n, sources)]));
}

// A metric's value on a day, straight from the summaries (seeding a target's baseline).
export async function metricOn(metric: Parameters<typeof metricValueOn>[0], day: Day): Promise<number> {
  const [ledger, funds] = await Promise.all([loadLedger([day]), bifcFunds()]);
  return metricValueOn(metric, day, { ledger, bifcFunds: funds });
}
