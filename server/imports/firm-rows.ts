import {
  createFirmBody,
  updateFirmBody,
  sortNameOf,
  toFirmFields,
  toFirmRecord,
  type CreateFirmInput,
  type StoredFirm,
  type UpdateFirmInput,
} from '../firms/index.js';
import { nameIn } from '../lib/names.js';
import type { CsvTable } from './csv-file.js';
import { booleanCell, dayCell, joinMulti, splitMulti } from './cell-values.js';
import { FIRM_FIELD_COLUMNS } from './import-columns.js';
import { choiceCells } from './choice-cells.js';
import {
  brnKey,
  firmsNamed,
  investorNamed,
  personNamed,
  OBJECT_ID,
  type FirmRef,
  type InvestorRef,
  type PersonRef,
} from './match-rules.js';
import {
  createRow,
  extraCellsCheck,
  fail,
  flatChanges,
  newDecision,
  updateRow,
  type RowDecision,
  type RowMessage,
} from './row-decision.js';

export type ExistingFirm = StoredFirm & FirmRef & { _id: unknown; __v?: number | null };
export type FirmContext = {
  firms: readonly ExistingFirm[];
  investors: readonly InvestorRef[];
  personIds: ReadonlySet<string>;
  // People named by email or name in the file (personNamed).
  people?: readonly PersonRef[];
};
export type FirmRowInput = { create: CreateFirmInput } | { targetId: string; update: UpdateFirmInput };

const MULTI = new Set(['sectorsSecondary', 'tipsSuccessCriteria']);
const BOOLEAN = new Set(['fundraisingRaising', 'fundraisingOpen']);
const DAYS = new Set([
  'founded',
  'residencyStart',
  'residencyPlannedEnd',
  'residencyEnd',
  'tipsRecommendedOn',
  'tipsEvaluatedOn',
  'tipsSelectedOn',
  'tipsAgreementOn',
  'tipsCompletedOn',
]);

// A stored firm as CSV cells: what the export writes and what an update row is compared with.
export function firmCellsOf(firm: StoredFirm): Record<string, string> {
  const flat = toFirmFields(firm);
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, Array.isArray(v) ? joinMulti(v) : v]));
}

// CSV cells → the form's body (what the firm schemas parse).
function firmBodyOf(cells: Record<string, string>): { body: Record<string, unknown>; messages: RowMessage[] } {
  const body: Record<string, unknown> = {};
  const messages: RowMessage[] = [];
  for (const [column, raw] of Object.entries(cells)) {
    if (MULTI.has(column)) body[column] = splitMulti(raw);
    else if (BOOLEAN.has(column)) {
      const b = booleanCell(raw);
      if (b === undefined) messages.push({ field: column, message: 'imports.errors.boolean', params: { value: raw } });
      body[column] = b ? 'true' : '';
    } else if (DAYS.has(column)) body[column] = dayCell(raw);
    else if (column === 'status') body[column] = raw.trim() || undefined;
    else body[column] = raw;
  }
  return { body, messages };
}

// References given by the file: the TIPS operator (an investor's id or name, replaced by its id) and the contact person.
function resolveRefs(cells: Record<string, string>, stored: Record<string, string>, ctx: FirmContext): RowMessage[] {
  const messages: RowMessage[] = [];
  const operator = cells.tipsOperator?.trim();
  if (operator && operator !== stored.tipsOperator) {
    const byId = OBJECT_ID.test(operator)
      ? ctx.investors.find((i) => String(i._id) === operator.toLowerCase())
      : undefined;
    const found = byId ?? investorNamed(ctx.investors, operator);
    if (found) cells.tipsOperator = String(found._id);
    else {
      messages.push({ field: 'tipsOperator', message: 'imports.errors.unknownInvestor', params: { name: operator } });
      cells.tipsOperator = '';
    }
  }
  const person = cells.contactPerson?.trim();
  const named = person && !OBJECT_ID.test(person) ? personNamed(ctx.people ?? [], person) : undefined;
  if (named) cells.contactPerson = String(named._id);
  else if (
    person &&
    person !== stored.contactPerson &&
    !(OBJECT_ID.test(person) && ctx.personIds.has(person.toLowerCase()))
  ) {
    messages.push({ field: 'contactPerson', message: 'imports.errors.unknownPerson', params: { id: person } });
    cells.contactPerson = '';
  }
  return messages;
}

// The stored firm a row means: by registration number; else by name (a firm with another number is another firm).
function matchFirm(
  cells: Record<string, string>,
  ctx: FirmContext,
  byBrn: Map<string, ExistingFirm>,
): { firm?: ExistingFirm; ambiguous?: boolean } {
  const brn = brnKey(cells.brn);
  if (brn && byBrn.has(brn)) return { firm: byBrn.get(brn) };
  const names = { nameKo: cells.nameKo, nameEn: cells.nameEn };
  if (!sortNameOf(names)) return {};
  const named = firmsNamed(ctx.firms, names).filter((f) => !brn || !f.brn);
  if (named.length > 1) return { ambiguous: true };
  return { firm: named[0] };
}

export function decideFirmRows(
  table: Pick<CsvTable, 'rows' | 'extraCells'>,
  ctx: FirmContext,
): RowDecision<FirmRowInput>[] {
  const byBrn = new Map(ctx.firms.filter((f) => f.brn).map((f) => [f.brn!, f]));
  const decisions = table.rows.map((row) => {
    const d: RowDecision<FirmRowInput> = newDecision(row);
    const { cells, messages: choiceMessages } = choiceCells('firms', row.cells);
    const brn = brnKey(cells.brn);
    d.key = brn ?? (cells.brn?.trim() || sortNameOf({ nameKo: cells.nameKo?.trim(), nameEn: cells.nameEn?.trim() }));
    d.label = nameIn({ nameKo: cells.nameKo?.trim(), nameEn: cells.nameEn?.trim() }, 'ko');
    const { firm, ambiguous } = matchFirm(cells, ctx, byBrn);
    if (ambiguous) {
      fail(d, { field: 'nameKo', message: 'imports.errors.ambiguousFirm' });
      return d;
    }
    const stored = firm ? firmCellsOf(firm) : {};
    // An empty registration-number cell never removes a stored number (matched by name).
    if (firm && !cells.brn?.trim()) delete cells.brn;
    const refMessages = resolveRefs(cells, stored, ctx);
    const { status, ...fieldCells } = cells;
    const { body, messages } = firmBodyOf(firm ? { ...stored, ...fieldCells } : cells);
    const problems = [...choiceMessages, ...messages, ...refMessages];
    if (!firm) return createRow(d, problems, createFirmBody.safeParse(body), (create): FirmRowInput => ({ create }));
    const targetId = String(firm._id);
    return updateRow(d, problems, updateFirmBody.safeParse(body), {
      id: targetId,
      label: nameIn(firm, 'ko'),
      key: firm.brn ?? undefined,
      changes: (update) => flatChanges(stored, firmCellsOf(toFirmRecord(update)), FIRM_FIELD_COLUMNS),
      input: (update): FirmRowInput => ({ targetId, update }),
    });
  });
  markFirmDuplicates(
    decisions,
    table.rows.map((r) => r.cells),
  );
  extraCellsCheck(decisions, table.extraCells);
  return decisions;
}

// Two rows of one file for the same firm: the same stored firm, the same registration number, or the same name
// where either row has no number. The first earlier row of each kind is kept by its key (comparing every pair of a
// 5,000-row file was 12 million comparisons).
function markFirmDuplicates(decisions: RowDecision<FirmRowInput>[], cells: Record<string, string>[]): void {
  const byTarget = new Map<string, number>();
  const byBrn = new Map<string, number>();
  const byName = new Map<string, number>();
  const byNameWithoutBrn = new Map<string, number>();
  const remember = (map: Map<string, number>, key: string | undefined, line: number) => {
    if (key && !map.has(key)) map.set(key, line);
  };
  decisions.forEach((d, i) => {
    const c = cells[i]!; // one decision per row
    const brn = brnKey(c.brn);
    const name = sortNameOf({ nameKo: c.nameKo?.trim(), nameEn: c.nameEn?.trim() });
    const earlier = [
      d.targetId && byTarget.get(d.targetId),
      brn && byBrn.get(brn),
      name && (brn ? byNameWithoutBrn : byName).get(name),
    ].filter((line): line is number => typeof line === 'number');
    if (earlier.length)
      fail(d, {
        field: brn ? 'brn' : 'nameKo',
        message: 'imports.errors.duplicateInFile',
        params: { line: Math.min(...earlier) },
      });
    remember(byTarget, d.targetId, d.line);
    remember(byBrn, brn, d.line);
    remember(byName, name, d.line);
    if (!brn) remember(byNameWithoutBrn, name, d.line);
  });
}
