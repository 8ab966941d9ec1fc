import {
  createInvestorBody,
  nameKeyOf,
  toInvestorFields,
  toInvestorRecord,
  updateInvestorBody,
  type InvestorInput,
  type StoredInvestor,
  type UpdateInvestorInput,
} from '../investors/index.js';
import { nameIn } from '../lib/names.js';
import type { CsvTable } from './csv-file.js';
import { booleanCell, joinMulti, splitMulti } from './cell-values.js';
import { INVESTOR_COLUMNS } from './import-columns.js';
import { choiceCells } from './choice-cells.js';
import type { InvestorRef } from './match-rules.js';
import {
  createRow,
  extraCellsCheck,
  flatChanges,
  markDuplicates,
  newDecision,
  updateRow,
  type RowDecision,
  type RowMessage,
} from './row-decision.js';

export type ExistingInvestor = InvestorRef & StoredInvestor & { __v?: number | null };
export type InvestorContext = { investors: readonly ExistingInvestor[] };
export type InvestorRowInput = { create: InvestorInput } | { targetId: string; update: UpdateInvestorInput };

// Thesis codes in one cell: "payments; lending" (funds are not in the flat file: they are edited on the investor's page).
const MULTI = new Set(['thesisSectors', 'thesisStages', 'thesisInstruments', 'thesisRegions']);

// A stored organisation as CSV cells: what the export writes and what an update row is compared with.
export function investorCellsOf(i: StoredInvestor): Record<string, string> {
  return Object.fromEntries(
    Object.entries(toInvestorFields(i)).map(([k, v]) => [k, Array.isArray(v) ? joinMulti(v) : v]),
  );
}

function investorBodyOf(cells: Record<string, string>): { body: Record<string, unknown>; messages: RowMessage[] } {
  const messages: RowMessage[] = [];
  const body: Record<string, unknown> = { ...cells };
  for (const column of MULTI) if (column in cells) body[column] = splitMulti(cells[column]);
  if ('bifcBased' in cells) {
    const b = booleanCell(cells.bifcBased);
    if (b === undefined)
      messages.push({ field: 'bifcBased', message: 'imports.errors.boolean', params: { value: cells.bifcBased } });
    body.bifcBased = b ? 'true' : undefined;
  }
  return { body, messages };
}

const keyOf = (cells: Record<string, string>) =>
  nameKeyOf({ nameKo: cells.nameKo?.trim(), nameEn: cells.nameEn?.trim() });

// Investors match on their name key (the English name, else the Korean, lowercased); a row with only a Korean name also
// finds an organisation stored with that Korean name.
function matchInvestor(cells: Record<string, string>, ctx: InvestorContext): ExistingInvestor | undefined {
  const key = keyOf(cells);
  const ko = cells.nameKo?.trim();
  return (
    ctx.investors.find((i) => i.nameKey === key) ??
    (ko && !cells.nameEn?.trim() ? ctx.investors.find((i) => i.nameKo === ko) : undefined)
  );
}

export function decideInvestorRows(
  table: Pick<CsvTable, 'rows' | 'extraCells'>,
  ctx: InvestorContext,
): RowDecision<InvestorRowInput>[] {
  const decisions = table.rows.map((row) => {
    const d: RowDecision<InvestorRowInput> = newDecision(row);
    d.key = keyOf(row.cells);
    d.label = nameIn({ nameKo: row.cells.nameKo?.trim(), nameEn: row.cells.nameEn?.trim() }, 'en');
    const existing = matchInvestor(row.cells, ctx);
    const stored = existing ? investorCellsOf(existing) : {};
    const choices = choiceCells('investors', row.cells);
    const merged = { ...stored, ...choices.cells };
    const { body, messages: cellMessages } = investorBodyOf(merged);
    const messages = [...choices.messages, ...cellMessages];
    if (!existing)
      return createRow(d, messages, createInvestorBody.safeParse(body), (create): InvestorRowInput => ({ create }));
    // Renaming onto another organisation's name.
    const newKey = keyOf(merged);
    if (newKey !== existing.nameKey && ctx.investors.some((i) => i.nameKey === newKey))
      messages.push({ field: 'nameEn', message: 'investors.errors.duplicate' });
    const targetId = String(existing._id);
    return updateRow(d, messages, updateInvestorBody.safeParse({ ...body, _version: String(existing.__v ?? 0) }), {
      id: targetId,
      label: nameIn(existing, 'en'),
      changes: (update) => flatChanges(stored, investorCellsOf(toInvestorRecord(update)), INVESTOR_COLUMNS),
      input: (update): InvestorRowInput => ({ targetId, update }),
    });
  });
  markDuplicates(
    decisions,
    decisions.map((d, i) => {
      const key = keyOf(table.rows[i]!.cells); // one decision per row
      return d.targetId ? `id:${d.targetId}` : key ? `key:${key}` : undefined;
    }),
    'nameEn',
  );
  extraCellsCheck(decisions, table.extraCells);
  return decisions;
}
