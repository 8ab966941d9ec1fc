import type { Request } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvHeaders, csvStream } from '../lib/csv.js';
import { formatCalendarDate, formatDateTime } from '../lib/dates.js';
import type { Lang } from '../lib/money.js';
import { TABLE_SOURCES, reportDayFor, reportFor, type AsOfError, type Report } from './reports.service.js';
import { keptHtml, sendPage } from '../lib/kept-html.js';
import { CHART_NAMES, type ChartName, type Table, type TableName } from './report-tables.js';
import { cellText, columnLabel, csvValue, type Translate } from './report-format.js';
import { renderChart, type ChartSize } from './report-charts.js';
import { figureLinks, rowLink } from './report-links.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import type { chartParams, chartQuery, reportQuery, tableParams } from './reports.schemas.js';

const DASHBOARD_TABLES: readonly TableName[] = ['targets', ...CHART_NAMES];
const QUARTERLY_TABLES: readonly TableName[] = [...DASHBOARD_TABLES, 'cohort'];

type Ok = Extract<Report, { ok: true }>;
type PageRes = Validated<{ query: typeof reportQuery }>;
type TableRes = Validated<{ params: typeof tableParams; query: typeof reportQuery }>;
type ChartRes = Validated<{ params: typeof chartParams; query: typeof chartQuery }>;
// The language of a chart or file: ?lang= when given (an image or a link made by a page), else the page's.
const langOf = (res: PageRes | TableRes | ChartRes): Lang => res.locals.input.query.lang ?? res.locals.lang;
const tFor = (req: Request, lang: Lang): Translate => req.translatorIn(lang);

// A day that cannot be reported on, explained in the page language.
function asOfMessage(t: Translate, report: Extract<Report, { ok: false }>, lang: Lang): string {
  const messages: Record<AsOfError, string> = {
    asOfInvalid: t('reports.errors.asOfInvalid'),
    asOfFuture: t('reports.errors.asOfFuture', { today: formatCalendarDate(report.today, lang) }),
    asOfBeforeBaseline: t('reports.errors.asOfBeforeBaseline', { baseline: formatCalendarDate(report.earliest, lang) }),
  };
  return messages[report.error];
}

// What the report pages render tables with (views/reports/table.ejs).
function pageLocals(req: Request, res: AppResponse, report: Ok) {
  const lang = res.locals.lang;
  const t = req.t as unknown as Translate;
  return {
    report,
    asOf: report.asOf,
    links: figureLinks(req.user!.role, report.asOf),
    rowLink: (table: TableName, row: Table['rows'][number]) => rowLink(req.user!.role, table, row),
    cell: (col: Table['columns'][number], row: Table['rows'][number]) => cellText(col, row, lang, t),
    heading: (table: TableName, col: Table['columns'][number]) => columnLabel(table, col, t),
    chartSrc: (name: ChartName, size: ChartSize = 'wide') =>
      `/reports/charts/${name}.svg?as_of=${report.asOf}&lang=${lang}${size === 'narrow' ? '&size=narrow' : ''}`,
    csvHref: (name: TableName) => `/reports/${name}.csv?as_of=${report.asOf}&lang=${lang}`,
    chartNames: CHART_NAMES,
  };
}

// GET /reports — targets with pace and projection, and the charts with their tables, as of ?as_of= (today by default)
// Its figures (targets, charts and tables) are kept drawn (server/lib/kept-html.ts) per day and role (the links a
// role may follow) until anything a table is built from is written.
export async function dashboard(req: Request, res: PageRes) {
  const { as_of: asOfRaw } = res.locals.input.query;
  const day = await reportDayFor(asOfRaw, res.locals.lang, DASHBOARD_TABLES);
  const title = req.t('reports.title');
  if (!day.ok) {
    res.status(400).render('reports/index', {
      title,
      report: day,
      asOfValue: asOfRaw ?? '',
      asOfError: asOfMessage(req.t, day, res.locals.lang),
    });
    return;
  }
  const drawn = { asOf: day.asOf, role: req.user!.role, names: DASHBOARD_TABLES };
  const figuresHtml = await keptHtml(res, TABLE_SOURCES, drawn, 'reports/figures', async () =>
    pageLocals(req, res, { ...day, tables: await day.tables() }),
  );
  await sendPage(res, 'reports/index', {
    title,
    report: day,
    asOf: day.asOf,
    asOfValue: day.asOf,
    asOfError: undefined,
    figuresHtml,
  });
}

// GET /reports/quarterly — the printable report (A4): targets, charts, the cohort list and funding by quarter
export async function quarterly(req: Request, res: PageRes) {
  const { as_of: asOfRaw } = res.locals.input.query;
  const report = await reportFor(asOfRaw, res.locals.lang, QUARTERLY_TABLES);
  if (!report.ok) {
    res.status(400).render('reports/index', {
      title: req.t('reports.title'),
      report,
      asOfValue: asOfRaw ?? '',
      asOfError: asOfMessage(req.t, report, res.locals.lang),
    });
    return;
  }
  res.render('reports/quarterly', {
    title: req.t('reports.quarterly.title'),
    generatedAt: formatDateTime(new Date(), res.locals.lang),
    ...pageLocals(req, res, report),
  });
}

// A refused day for a file, an image or the API: 400 with the message (JSON for the API).
function refuseAsOf(req: Request, res: AppResponse, report: Extract<Report, { ok: false }>, lang: Lang, json = false) {
  const message = asOfMessage(tFor(req, lang), report, lang);
  res.status(400);
  if (json) res.json({ error: 'bad_as_of', message });
  else res.type('txt').send(message);
}

// GET /reports/:table.csv — a dashboard table as CSV: the page's numbers (won in won), labels in the language asked
export async function csv(req: Request, res: TableRes) {
  const name = res.locals.input.params.table;
  const lang = langOf(res);
  const report = await reportFor(res.locals.input.query.as_of, lang, [name]);
  if (!report.ok) return refuseAsOf(req, res, report, lang);
  const table = report.tables[name]!;
  const t = tFor(req, lang);
  const columns = table.columns.map((col) => ({ key: col.key, header: columnLabel(name, col, t) }));
  // csvStream guards formula-looking text in every cell.
  const rows = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((col) => [col.key, csvValue(col, row, t)])),
  );
  csvHeaders(res, `report-${name}-${report.asOf}`);
  await pipeline(Readable.from(rows), csvStream(columns), res);
}

// GET /reports/charts/:chart.svg — a chart as an SVG image (no script), drawn from the same table as the page's
export async function chart(req: Request, res: ChartRes) {
  const name = res.locals.input.params.chart;
  const lang = langOf(res);
  const report = await reportFor(res.locals.input.query.as_of, lang, [name]);
  if (!report.ok) return refuseAsOf(req, res, report, lang);
  const svg = renderChart(name, report.tables[name]!, tFor(req, lang), lang, res.locals.input.query.size);
  res.setHeader('Cache-Control', 'private, max-age=60');
  res.type('image/svg+xml').send(svg);
}

// GET /api/v1/reports/:table — a dashboard table as JSON: codes and plain numbers, the same as the page's
export async function api(req: Request, res: TableRes) {
  const name = res.locals.input.params.table;
  const lang = langOf(res);
  const report = await reportFor(res.locals.input.query.as_of, lang, [name]);
  if (!report.ok) return refuseAsOf(req, res, report, lang, true);
  const table = report.tables[name]!;
  const t = tFor(req, lang);
  res.setHeader('Cache-Control', 'no-store');
  res.json({
    table: name,
    asOf: report.asOf,
    columns: table.columns.map((col) => ({ key: col.key, kind: col.kind, label: columnLabel(name, col, t) })),
    rows: table.rows,
  });
}
