import type { ImportKind } from '../../models/enums.js';
import { formatCalendarDate } from '../lib/dates.js';
import { formatKrw, parseKrw, type Lang } from '../lib/money.js';
import { booleanCell, dayCell, parseParticipantsCell } from './cell-values.js';
import {
  CHOICE_COLUMNS,
  choiceCells,
  choiceLabel,
  choiceOf,
  valuesOfVocabulary,
  type Vocabulary,
} from './choice-cells.js';
import { columnLabel } from './column-labels.js';
import { participantColumns } from './participant-columns.js';

// An import's rows in words for the preview and the result: field labels instead of column codes, value labels instead
// of codes, won amounts formatted, names instead of ids; rows with errors first. Pure: the ids' names are given.

type Translate = (key: string, options?: Record<string, unknown>) => string;

export type StoredRowIn = {
  line: number;
  action: string;
  key?: string | null;
  label?: string | null;
  targetId?: { toString(): string } | null;
  firmId?: { toString(): string } | null;
  changes?: { field: string; before?: string | null; after?: string | null }[] | null;
  cells?: unknown;
  messages?: { field?: string | null; message: string; params?: unknown }[] | null;
};

export type DisplayRow = {
  line: number;
  action: string;
  key: string;
  label: string;
  targetId?: string;
  firmId?: string;
  messages: { field?: string; text: string }[];
  changes: { field: string; before: string; after: string }[];
};

const BOOLEAN_COLUMNS = new Set(['fundraisingRaising', 'fundraisingOpen', 'bifcBased']);
const DAY_COLUMN = /(On|founded|Start|End)$/;
const ID_COLUMNS = new Set(['tipsOperator', 'contactPerson']);
const OBJECT_ID = /^[0-9a-f]{24}$/i;

// What a new row stores: its filled cells as the import reads them (choices as codes, yes/no, dates), in file order.
function storedCells(kind: ImportKind, raw: Record<string, string>): { field: string; value: string }[] {
  const { cells } = choiceCells(kind, raw);
  return Object.entries(cells)
    .filter(([, v]) => v.trim() !== '')
    .map(([field, v]) => {
      if (BOOLEAN_COLUMNS.has(field) || /^participant\d+Lead$/.test(field)) {
        const lead = field.endsWith('Lead') && ['lead', '리드', '주관'].includes(v.trim().toLowerCase());
        const b = lead || booleanCell(v);
        return { field, value: b === undefined ? v : b ? 'true' : '' };
      }
      return { field, value: DAY_COLUMN.test(field) ? dayCell(v) : v };
    })
    .filter(({ field, value }) => value !== '' || BOOLEAN_COLUMNS.has(field));
}

// A column's header in the reader's language; participant columns (participant2AmountKrw) as the export names them.
export function fieldLabel(kind: ImportKind, field: string, lang: Lang): string {
  const p = /^participant(\d+)(AmountKrw|Lead)?$/.exec(field);
  if (p) {
    const headers = participantColumns(Number(p[1]), lang);
    return p[2] === 'AmountKrw' ? headers.amountKrw : p[2] === 'Lead' ? headers.lead : headers.name;
  }
  return columnLabel(kind, field, lang);
}

const wonText = (cell: string, lang: Lang) => {
  const n = parseKrw(cell);
  return n === undefined ? cell : formatKrw(n, lang);
};

// One stored cell in words.
export function cellText(
  kind: ImportKind,
  field: string,
  cell: string | null | undefined,
  ctx: { lang: Lang; t: Translate; names?: ReadonlyMap<string, string> },
): string {
  const v = (cell ?? '').trim();
  if (!v) return '';
  const choice = CHOICE_COLUMNS[kind][field];
  if (choice)
    return v
      .split(/\s*;\s*/)
      .filter(Boolean)
      .map((code) => choiceLabel(choice.vocabulary, code, ctx.lang))
      .join(', ');
  if (BOOLEAN_COLUMNS.has(field) || /^participant\d+Lead$/.test(field))
    return v === 'true' ? ctx.t('common.yes') : ctx.t('common.no');
  if (ID_COLUMNS.has(field) && OBJECT_ID.test(v))
    return ctx.names?.get(v.toLowerCase()) ?? ctx.t('imports.display.unknownRecord');
  if (/Krw$/.test(field)) return wonText(v, ctx.lang);
  if (field === 'participants')
    return parseParticipantsCell(v)
      .participants.map((p) =>
        [p.name, p.amount ? wonText(p.amount, ctx.lang) : '', p.lead ? `(${ctx.t('imports.display.lead')})` : '']
          .filter(Boolean)
          .join(' '),
      )
      .join(', ');
  if (DAY_COLUMN.test(field) && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatCalendarDate(v, ctx.lang);
  return v;
}

// The allowed values of a vocabulary as the reader's labels.
function allowedLabels(vocabulary: Vocabulary, lang: Lang): string {
  return valuesOfVocabulary(vocabulary)
    .map((v) => choiceLabel(vocabulary, v, lang))
    .join(', ');
}

function messageText(m: { message: string; params?: unknown }, lang: Lang, t: Translate): string {
  const params = (m.params && typeof m.params === 'object' ? m.params : {}) as Record<string, unknown>;
  if (m.message === 'imports.errors.choice' && typeof params.vocabulary === 'string')
    return t(m.message, { ...params, allowed: allowedLabels(params.vocabulary as Vocabulary, lang) });
  return t(m.message, { defaultValue: m.message, ...params });
}

// What a row is matched on, as the reader reads it. A round's key "firm · stage · date" with the stage's label and the date
// in the page's form. A firm's registration number as it is; a firm without one, and an investor, are matched on their
// name compared without case or spacing: the name as the file writes it, not that internal sort key (bnk#venture#capital).
function keyText(kind: ImportKind, key: string, label: string, lang: Lang): string {
  if (kind === 'investors' || (kind === 'firms' && !/^[\d\s-]+$/.test(key))) return label || key;
  if (kind !== 'rounds') return key;
  return key
    .split(' · ')
    .map((part) => {
      const stage = choiceOf('roundStages', part);
      if (stage && part === stage) return choiceLabel('roundStages', stage, lang);
      return /^\d{4}-\d{2}-\d{2}$/.test(part) ? formatCalendarDate(part, lang) : part;
    })
    .join(' · ');
}

export function displayRows(
  kind: ImportKind,
  rows: readonly StoredRowIn[],
  ctx: { lang: Lang; t: Translate; names?: ReadonlyMap<string, string> },
): DisplayRow[] {
  const out = rows.map((r) => ({
    line: r.line,
    action: r.action,
    key: keyText(kind, r.key ?? '', r.label ?? '', ctx.lang),
    label: r.label ?? '',
    targetId: r.targetId ? String(r.targetId) : undefined,
    firmId: r.firmId ? String(r.firmId) : undefined,
    messages: (r.messages ?? []).map((m) => ({
      field: m.field ? fieldLabel(kind, m.field, ctx.lang) : undefined,
      text: messageText(m, ctx.lang, ctx.t),
    })),
    changes:
      r.action === 'create' && !r.changes?.length
        ? storedCells(kind, (r.cells ?? {}) as Record<string, string>).map((c) => ({
            field: fieldLabel(kind, c.field, ctx.lang),
            before: '',
            after: cellText(kind, c.field, c.value, ctx),
          }))
        : (r.changes ?? []).map((c) => ({
            field: fieldLabel(kind, c.field, ctx.lang),
            before: cellText(kind, c.field, c.before, ctx),
            after: cellText(kind, c.field, c.after, ctx),
          })),
  }));
  const rank = (a: string) => (a === 'error' ? 0 : 1);
  return out.sort((a, b) => rank(a.action) - rank(b.action) || a.line - b.line);
}

// The ids of referenced records a batch's changes show (TIPS operators, contact persons), to be named.
export function referencedIds(rows: readonly StoredRowIn[]): { investors: string[]; people: string[] } {
  const investors = new Set<string>();
  const people = new Set<string>();
  for (const r of rows)
    for (const c of r.changes ?? [])
      for (const v of [c.before, c.after]) {
        if (!v || !/^[0-9a-f]{24}$/i.test(v)) continue;
        if (c.field === 'tipsOperator') investors.add(v.toLowerCase());
        if (c.field === 'contactPerson') people.add(v.toLowerCase());
      }
  return { investors: [...investors], people: [...people] };
}

export type MappingColumn = {
  index: number;
  header: string;
  samples: string[];
  selected: string;
  recognised: boolean;
};

// The mapping page: each column of the file with up to three sample values and the column it is read as ('' = ignored).
export function mappingColumns(
  source: { headers: readonly string[]; records: readonly { cells: readonly string[] }[] },
  mapping: readonly string[],
  recognised: readonly boolean[],
): MappingColumn[] {
  return source.headers.map((header, index) => ({
    index,
    header,
    samples: source.records
      .map((r) => (r.cells[index] ?? '').trim())
      .filter(Boolean)
      .slice(0, 3),
    selected: mapping[index] ?? '',
    recognised: recognised[index] ?? false,
  }));
}
