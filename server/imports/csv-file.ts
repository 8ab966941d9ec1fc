import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';

export const MAX_ROWS = 5_000;
export const MAX_BYTES = 5 * 1024 * 1024;

const BOM = [0xef, 0xbb, 0xbf];

// Excel on Korean Windows saves "CSV UTF-8" with a BOM and "CSV (쉼표로 분리)" in CP949 (EUC-KR plus the extended
// syllables such as 똠 or 햏, which Node's own 'euc-kr' decoder garbles; iconv-lite reads them). Valid UTF-8 is UTF-8;
// anything else is read as CP949.
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'cp949' } {
  const hasBom = BOM.every((b, i) => bytes[i] === b);
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(body), 'cp949'), encoding: 'cp949' };
  }
}

// The delimiter the header line uses most: comma, semicolon (Excel where the decimal mark is a comma) or tab.
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates = [',', ';', '\t'] as const;
  return candidates.reduce((best, ch) => (count(ch) > count(best) ? ch : best), candidates[0]);
}

export type CsvRow = { line: number; cells: Record<string, string> };
export type CsvFileError = { message: string; params?: Record<string, string | number> };
export type CsvTable = { columns: string[]; ignoredColumns: string[]; rows: CsvRow[]; extraCells: number[] };

// A cell the export guarded against formula injection ('=…, '+…, '-…, '@…) reads back without the apostrophe.
export function unguardCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

type CsvRecord = { line: number; cells: string[] };
// The file as read: its header row and its non-empty rows (numbered as in the spreadsheet, header = row 1).
export type CsvSource = { headers: string[]; records: CsvRecord[] };

export function parseCsv(text: string): CsvSource | { error: CsvFileError } {
  let records: { record: string[]; info: { records: number } }[];
  try {
    // csv-parse's types do not know `info: true` turns each record into { record, info }.
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      info: true,
      skip_empty_lines: false,
      bom: true,
    }) as unknown as typeof records;
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? (err as { lines: number }).lines : 0;
    return { error: { message: 'imports.fileErrors.unreadable', params: { line } } };
  }
  const headers = records[0]?.record.map((h) => h.replace(/^\uFEFF/, '').trim());
  if (!headers || headers.every((h) => h === '')) return { error: { message: 'imports.fileErrors.empty' } };
  const rows: CsvRecord[] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.every((c) => c.trim() === '')) continue;
    if (rows.length >= MAX_ROWS)
      return { error: { message: 'imports.fileErrors.tooManyRows', params: { max: MAX_ROWS } } };
    rows.push({ line: info.records, cells: record });
  }
  if (!rows.length) return { error: { message: 'imports.fileErrors.noRows' } };
  return { headers, records: rows };
}

// The rows keyed by column, given the column each header position maps to (undefined: not imported). Headers without a
// column are listed as ignored (blank ones left out).
export function tableOf(
  source: CsvSource,
  mapping: readonly (string | undefined)[],
): CsvTable | { error: CsvFileError } {
  const columns: string[] = [];
  const ignoredColumns: string[] = [];
  source.headers.forEach((h, i) => {
    const column = mapping[i];
    if (!column) {
      if (h) ignoredColumns.push(h);
    } else if (columns.includes(column)) {
      return;
    } else columns.push(column);
  });
  const dup = mapping.find((c, i) => c && mapping.indexOf(c) !== i);
  if (dup) return { error: { message: 'imports.fileErrors.duplicateColumn', params: { column: dup } } };
  if (!columns.length) return { error: { message: 'imports.fileErrors.noKnownColumns' } };
  const rows: CsvRow[] = [];
  const extraCells: number[] = [];
  for (const { line, cells: record } of source.records) {
    const cells: Record<string, string> = {};
    mapping.forEach((col, i) => {
      if (col) cells[col] = unguardCell(record[i] ?? '');
    });
    // Cells beyond the header with something in them are an error of that row.
    if (record.slice(source.headers.length).some((c) => c.trim() !== '')) extraCells.push(line);
    rows.push({ line, cells });
  }
  return { columns, ignoredColumns, rows, extraCells };
}

// Parses the file into rows keyed by the known column names (matched case-insensitively); unknown columns are
// reported and skipped.
export function readCsv(
  text: string,
  knownColumns: readonly string[],
  ignorable: readonly string[] = [],
): CsvTable | { error: CsvFileError } {
  const source = parseCsv(text);
  if ('error' in source) return source;
  const byLower = new Map(knownColumns.map((c) => [c.toLowerCase(), c]));
  const ignorableLower = new Set(ignorable.map((c) => c.toLowerCase()));
  const mapping = source.headers.map((h) => byLower.get(h.toLowerCase()));
  const table = tableOf(
    { ...source, headers: source.headers.map((h, i) => (mapping[i] || ignorableLower.has(h.toLowerCase()) ? '' : h)) },
    mapping,
  );
  return table;
}
