import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { stringify as stringifyRows } from 'csv-stringify/sync';
import { seoulToday } from './dates.js';

// The one way the app writes CSV for download (exports, the deal flow, reports).

// RFC 5987 ext-value characters: encodeURIComponent leaves ' ( ) * as they are, which the attr-char set excludes.
const rfc5987 = (text: string) =>
  encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// Download headers; the file is named "<name>-YYYYMMDD.csv" (today in Seoul). With a localName (in the page's language,
// e.g. 기업목록) browsers save it as "<localName>-YYYY-MM-DD.csv" (filename*, RFC 5987/6266); the ASCII name stays as the
// fallback for clients without it.
export function csvHeaders(res: Response, name: string, localName?: string): void {
  const today = seoulToday();
  const ascii = `attachment; filename="${name}-${today.replaceAll('-', '')}.csv"`;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader(
    'Content-Disposition',
    localName ? `${ascii}; filename*=UTF-8''${rfc5987(`${localName}-${today}.csv`)}` : ascii,
  );
  res.setHeader('Cache-Control', 'no-store');
}

// A BOM first, so Excel opens the UTF-8 (and the Korean in it) correctly; CRLF line ends as Excel writes them.
// Every cell but a plain number is quoted: Excel where ';' separates cells would otherwise split a bare "x;=cmd…" and
// run the part after the ';' as a formula (the ' prefix only guards a cell's first character).
// Text a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading ' ("CSV injection"), applied to
// every text cell csvStream writes; the import drops it again (server/imports/csv-file.ts unguardCell).
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type CsvColumns = (string | { key: string; header: string })[];

const csvOptions = (columns: CsvColumns) => ({
  columns,
  record_delimiter: 'windows' as const,
  quoted_match: /\D/,
  cast: { string: guardCell },
});

export const csvStream = (columns: CsvColumns) => stringify({ header: true, bom: true, ...csvOptions(columns) });

// The same file written a run of rows at a time (a kept export's parts): the first run's bytes start with the BOM and
// the header; the runs' bytes joined are what csvStream writes.
export const csvRuns =
  (columns: CsvColumns) =>
  (rows: Record<string, string>[], first: boolean): Buffer =>
    Buffer.from(stringifyRows(rows, { header: first, bom: first, ...csvOptions(columns) }));
