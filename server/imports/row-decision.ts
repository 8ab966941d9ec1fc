import type { z } from 'zod';
import type { RowAction } from '../../models/enums.js';
import type { CsvRow } from './csv-file.js';
import { joinMulti } from './cell-values.js';

// Messages are i18n keys (the schemas' own, like 'validation.date', or 'imports.errors.*'), translated when shown.
export type RowMessage = { field?: string; message: string; params?: Record<string, string | number> };
export type RowChange = { field: string; before: string; after: string };

export type RowDecision<Input = unknown> = {
  line: number;
  action: RowAction;
  // What the row matched on (registration number, name, firm · stage · date) and a readable name.
  key: string;
  label?: string;
  targetId?: string;
  changes: RowChange[];
  messages: RowMessage[];
  // The validated input for the feature service (kept in memory only; re-derived from the cells at apply time).
  input?: Input;
};

export type Flat = Record<string, string | string[]>;

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? joinMulti(v) : (v ?? ''));

// Field by field, the fields whose text differs (the same flat form the export writes).
export function flatChanges(before: Flat, after: Flat, fields: readonly string[]): RowChange[] {
  return fields
    .filter((f) => text(before[f]) !== text(after[f]))
    .map((field) => ({ field, before: text(before[field]), after: text(after[field]) }));
}

// zod issues → one message per field (the first path segment names the column).
function messagesOf(error: z.ZodError, rename: Record<string, string> = {}): RowMessage[] {
  const seen = new Set<string>();
  const out: RowMessage[] = [];
  for (const issue of error.issues) {
    const raw = issue.path.length ? String(issue.path[0]) : undefined;
    const field = raw ? (rename[raw] ?? raw) : undefined;
    const id = `${field}|${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ field, message: issue.message });
  }
  return out;
}

// The same key on an earlier row of the file: the later rows are errors pointing at the first.
export function markDuplicates<Input>(
  decisions: RowDecision<Input>[],
  keys: (string | undefined)[],
  field: string,
): void {
  const first = new Map<string, number>();
  decisions.forEach((d, i) => {
    const key = keys[i];
    if (!key) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, d.line);
    else fail(d, { field, message: 'imports.errors.duplicateInFile', params: { line: earlier } });
  });
}

export function fail<Input>(d: RowDecision<Input>, ...messages: RowMessage[]): void {
  d.action = 'error';
  d.messages.push(...messages);
  d.changes = [];
  d.input = undefined;
}

export function extraCellsCheck<Input>(decisions: RowDecision<Input>[], extraCells: number[]): void {
  const lines = new Set(extraCells);
  for (const d of decisions) if (lines.has(d.line)) fail(d, { message: 'imports.errors.extraCells' });
}

export function newDecision<Input>(row: CsvRow): RowDecision<Input> {
  return { line: row.line, action: 'error', key: '', changes: [], messages: [] };
}

// The end of a row's decision, once its cells are parsed: a problem found on the way, or a cell the schema refuses,
// fails the row; otherwise the row creates its record (createRow), or updates the stored record it matched when a
// field changes and is unchanged when none does (updateRow).
export function createRow<Input, T>(
  d: RowDecision<Input>,
  problems: RowMessage[],
  parsed: z.ZodSafeParseResult<T>,
  input: (data: T) => Input,
): RowDecision<Input> {
  if (!parsed.success || problems.length) return failed(d, problems, parsed);
  d.action = 'create';
  d.input = input(parsed.data);
  return d;
}

export type UpdateTarget<Input, T> = {
  id: string;
  // How the row is known once matched (its label and key otherwise come from its cells).
  label?: string;
  key?: string;
  changes: (data: T) => RowChange[];
  input: (data: T) => Input;
};

export function updateRow<Input, T>(
  d: RowDecision<Input>,
  problems: RowMessage[],
  parsed: z.ZodSafeParseResult<T>,
  target: UpdateTarget<Input, T>,
): RowDecision<Input> {
  if (!parsed.success || problems.length) return failed(d, problems, parsed);
  d.targetId = target.id;
  d.label = target.label ?? d.label;
  d.key = target.key ?? d.key;
  d.changes = target.changes(parsed.data);
  d.action = d.changes.length ? 'update' : 'unchanged';
  if (d.changes.length) d.input = target.input(parsed.data);
  return d;
}

function failed<Input>(
  d: RowDecision<Input>,
  problems: RowMessage[],
  parsed: z.ZodSafeParseResult<unknown>,
): RowDecision<Input> {
  // A field already reported (an unknown choice, a yes/no that is neither) is not reported again by the schema.
  const reported = new Set(problems.map((p) => p.field).filter(Boolean));
  const schema = parsed.success ? [] : messagesOf(parsed.error).filter((m) => !m.field || !reported.has(m.field));
  fail(d, ...problems, ...schema);
  return d;
}

export type ImportCounts = Record<RowAction, number>;

export function countsOf(decisions: readonly { action: RowAction }[]): ImportCounts {
  const counts: ImportCounts = { create: 0, update: 0, unchanged: 0, error: 0 };
  for (const d of decisions) counts[d.action] += 1;
  return counts;
}
