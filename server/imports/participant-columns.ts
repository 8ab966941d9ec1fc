import { booleanCell, type ParticipantCell } from './cell-values.js';

// A round's participants as columns, one group of three per participant: name, amount in won, lead. The export writes
// as many groups as the largest round in the file needs; the import reads any number of them, by code or by the
// Korean or English header the export writes.

export type ParticipantField = 'name' | 'amountKrw' | 'lead';
export type ParticipantHeaderMode = 'codes' | 'ko' | 'en';
export type ParticipantHeaders = Record<ParticipantField, string>;

// The headers of participant n in each mode (what the export writes; participantColumnOf reads all of them back).
export function participantColumns(n: number, mode: ParticipantHeaderMode): ParticipantHeaders {
  if (mode === 'ko') return { name: `참여 투자사 ${n}`, amountKrw: `참여 금액 ${n} (원)`, lead: `리드 ${n}` };
  if (mode === 'en')
    return { name: `Participant ${n}`, amountKrw: `Participant ${n} amount (KRW)`, lead: `Participant ${n} lead` };
  return { name: `participant${n}`, amountKrw: `participant${n}AmountKrw`, lead: `participant${n}Lead` };
}

// Lowercased, without bracketed units ("(원)", "[KRW]"), spaces, underscores or hyphens.
const squeeze = (header: string) =>
  header
    .replace(/[([{（［][^)\]}）］]*[)\]}）］]/g, '')
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');

const PATTERNS: [RegExp, ParticipantField][] = [
  [/^participant(\d+)$/, 'name'],
  [/^참여투자사(\d+)$/, 'name'],
  [/^투자사(\d+)$/, 'name'],
  [/^participant(\d+)amount(?:krw)?$/, 'amountKrw'],
  [/^참여금액(\d+)$/, 'amountKrw'],
  [/^participant(\d+)lead$/, 'lead'],
  [/^리드(\d+)$/, 'lead'],
];

// Which participant column a header is, if any: participant1 / 참여 투자사 1 / Participant 1 → { n: 1, field: 'name' }.
export function participantColumnOf(header: string): { n: number; field: ParticipantField } | undefined {
  const h = squeeze(header);
  for (const [pattern, field] of PATTERNS) {
    const m = pattern.exec(h);
    const n = m ? Number(m[1]) : 0;
    if (n >= 1 && Number.isSafeInteger(n)) return { n, field };
  }
  return undefined;
}

const LEAD_WORDS = new Set(['lead', '리드', '주관']);

// A lead cell: any yes (예, TRUE, 1 …) or the word lead/리드; undefined when it is neither yes nor no.
function leadCell(cell: string | undefined): boolean | undefined {
  const v = (cell ?? '').trim().toLowerCase();
  return LEAD_WORDS.has(v) ? true : booleanCell(v);
}

// A row's participant columns → participants in column order; a group without a name is skipped (an empty group is
// how a round with fewer participants than the file's widest one is written).
export function participantsFromColumns(row: Record<string, string>): ParticipantCell[] {
  const groups = new Map<number, Partial<Record<ParticipantField, string>>>();
  for (const [header, cell] of Object.entries(row)) {
    const column = participantColumnOf(header);
    if (!column) continue;
    const group = groups.get(column.n) ?? {};
    group[column.field] = cell;
    groups.set(column.n, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, g]) => {
      const name = (g.name ?? '').trim();
      if (!name) return [];
      const amount = (g.amountKrw ?? '').trim();
      return [{ name, amount: amount || undefined, lead: leadCell(g.lead) === true }];
    });
}

export type ParticipantValue = { name: string; amountKrw?: number | null; lead?: boolean | null };

const YES_NO: Record<ParticipantHeaderMode, [string, string]> = {
  codes: ['true', ''],
  ko: ['예', '아니요'],
  en: ['Yes', 'No'],
};

// Participants → the cells of their column groups (for the export); `groups` (at least the list's length) pads the row
// with empty groups so every row has the file's columns. Amounts are plain integers of won (a number Excel can sum).
export function participantColumnCells(
  list: readonly ParticipantValue[],
  mode: ParticipantHeaderMode,
  groups = list.length,
): Record<string, string> {
  const [yes, no] = YES_NO[mode];
  const cells: Record<string, string> = {};
  for (let n = 1; n <= Math.max(groups, list.length); n++) {
    const headers = participantColumns(n, mode);
    const p = list[n - 1];
    cells[headers.name] = p?.name ?? '';
    cells[headers.amountKrw] = p && p.amountKrw !== null && p.amountKrw !== undefined ? String(p.amountKrw) : '';
    cells[headers.lead] = p ? (p.lead ? yes : no) : '';
  }
  return cells;
}

// The headers of `groups` participant groups in order (the export's columns after the round's own).
export function participantHeaderList(groups: number, mode: ParticipantHeaderMode): string[] {
  const headers: string[] = [];
  for (let n = 1; n <= groups; n++) {
    const h = participantColumns(n, mode);
    headers.push(h.name, h.amountKrw, h.lead);
  }
  return headers;
}
