import { labelOf } from '../lib/labels.js';
import { formatKrw, formatKrwEn, formatNumber, type Lang } from '../lib/money.js';
import { formatCalendarDate } from '../lib/dates.js';
import { NO_STAGE } from './report-events.js';
import type { Cell, Column, Row, TableName } from './report-tables.js';

// A translation function (req.t, or i18n.getFixedT(lang) for a language asked in the URL).
export type Translate = (key: string, options?: Record<string, unknown>) => string;

// How the report tables read on the page and in CSV: the same cells, shown for the language (the page) or as plain
// numbers with labels for codes (CSV). The JSON API gives the cells as they are.

export const quarterLabel = (quarter: string, t: Translate) =>
  t('reports.quarter', { year: quarter.slice(0, 4), q: quarter.slice(6) });

// A month (YYYY-MM…) as people write it: 2024년 12월, Dec 2024.
export const monthLabel = (day: string, t: Translate) =>
  t('reports.month', { year: day.slice(0, 4), month: t(`reports.months.${Number(day.slice(5, 7))}`) });

export function codeLabel(col: Column, value: Cell, t: Translate): string {
  if (value === null || value === '') return '';
  if (col.vocab === 'stagesOrNone')
    return value === NO_STAGE ? t('reports.noStage') : labelOf('firmStages', String(value), t);
  return col.vocab ? labelOf(col.vocab, String(value), t) : String(value);
}

// A column's heading: a column of a vocabulary's value (a round stage in the capital table) is named by its label.
export function columnLabel(table: TableName, col: Column, t: Translate): string {
  if (table === 'capital' && col.vocab && col.vocab !== 'stagesOrNone') return labelOf(col.vocab, col.key, t);
  return t(`reports.columns.${table}.${col.key}`);
}

const projection = (value: Cell, t: Translate, day: (d: string) => string) =>
  value === 'met'
    ? t('reports.pace.met')
    : value === 'not-on-pace'
      ? t('reports.pace.notOnPace')
      : value
        ? day(String(value))
        : '';

// A cell as the page shows it.
export function cellText(col: Column, row: Row, lang: Lang, t: Translate): string {
  const v = row[col.key] ?? null;
  if (v === null || v === undefined) return '—';
  const num = (n: number, digits = 0) => formatNumber(n, lang, digits);
  switch (col.kind) {
    case 'count':
      return num(Number(v));
    case 'decimal':
      return num(Number(v), 2);
    case 'krw':
      return formatKrw(Number(v), lang);
    case 'amount':
      return row.unit === 'krw' ? formatKrw(Number(v), lang) : num(Number(v), 2);
    case 'pct':
      return `${num(Number(v), 1)}%`;
    case 'day':
      return formatCalendarDate(String(v), lang);
    case 'quarter':
      return quarterLabel(String(v), t);
    case 'enum':
      return codeLabel(col, v, t);
    case 'projection':
      return projection(v, t, (d) => formatCalendarDate(d, lang));
    default:
      return String(v);
  }
}

// A cell in CSV: numbers as plain numbers (won in won), days as YYYY-MM-DD, codes and projections as their labels.
export function csvValue(col: Column, row: Row, t: Translate): string | number {
  const v = row[col.key] ?? null;
  if (v === null || v === undefined) return '';
  if (col.kind === 'enum') return codeLabel(col, v, t);
  if (col.kind === 'quarter') return quarterLabel(String(v), t);
  if (col.kind === 'projection') return projection(v, t, (d) => d);
  return v;
}

// Short won amounts for chart axes: "1,400억" in Korean, "₩140B" in English.
export const axisKrw = (n: number, lang: Lang) =>
  lang === 'ko' ? `${formatNumber(n / 1e8, 'ko', 1)}억` : formatKrwEn(Math.round(n));
