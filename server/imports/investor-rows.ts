import { createInvestorBody, updateInvestorBody, type InvestorInput, type UpdateInvestorInput } from '../investors/investors.schemas.js';
import { nameKeyOf } from '../investors/investors.service.js';
import type { CsvTable } from './csv-file.js';
import { booleanCell } from './cell-values.js';
import { INVESTOR_COLUMNS } from './import-columns.js';
import { investorLabel, type InvestorRef } from './match-rules.js';
import { extraCellsCheck, fail, flatChanges, markDuplicates, messagesOf, newDecision, type RowDecision, type RowMessage } from './row-decision.js';

export type ExistingInvestor = InvestorRef & { __v?: number | null; type: string; website?: string | null; bifcBased?: boolean | null };
export type InvestorContext = { investors: readonly ExistingInvestor[] };
export type InvestorRowInput = { create: InvestorInput } | { targetId: string; update: UpdateInvestorInput };

export function investorCellsOf(i: Omit<ExistingInvestor, '_id' | 'nameKey'>): Record<string, string> {
  return { nameKo: i.nameKo ?? '', nameEn: i.nameEn ?? '', type: i.type ?? '', website: i.website ?? '', bifcBased: i.bifcBased ? 'true' : '' };
}

function investorBodyOf(cells: Record<string, string>): { body: Record<string, unknown>; messages: RowMessage[] } {
  const messages: RowMessage[] = [];
  const body: Record<string, unknown> = { ...cells };
  if ('bifcBased' in cells) {
    const b = booleanCell(cells.bifcBased);
    if (b === undefined) messages.push({ field: 'bifcBased', message: 'imports.errors.boolean' });
    body.bifcBased = b ? 'true' : undefined;
  }
  return { body, messages };
}

const keyOf = (cells: Record<string, string>) => nameKeyOf({ nameKo: cells.nameKo?.trim(), nameEn: cells.nameEn?.trim() });

// Investors match on their name key (the English name, else the Korean, lowercased); a row with only a Korean name also
// finds an organisation stored with that Korean name.
function matchInvestor(cells: Record<string, string>, ctx: InvestorContext): ExistingInvestor | undefined {
  const key = keyOf(cells);
  const ko = cells.nameKo?.trim();
  return ctx.investors.find((i) => i.nameKey === key) ?? (ko && !cells.nameEn?.trim() ? ctx.investors.find((i) => i.nameKo === ko) : undefined);
}

export function decideInvestorRows(table: Pick<CsvTable, 'rows' | 'extraCells'>, ctx: InvestorContext): RowDecision<InvestorRowInput>[] {
  const decisions = table.rows.map((row) => {
    const d: RowDecision<InvestorRowInput> = newDecision(row);
    d.key = keyOf(row.cells);
    d.label = investorLabel({ nameKo: row.cells.nameKo?.trim(), nameEn: row.cells.nameEn?.trim() });
    const existing = matchInvestor(row.cells, ctx);
    const stored = existing ? investorCellsOf(existing) : {};
    const merged = { ...stored, ...row.cells };
    const { body, messages } = investorBodyOf(merged);
    const parsed = existing ? updateInvestorBody.safeParse({ ...body, _version: String(existing.__v ?? 0) }) : createInvestorBody.safeParse(body);
    const problems = [...messages, ...(parsed.success ? [] : messagesOf(parsed.error))];
    // Renaming onto another organisation's name.
    const newKey = keyOf(merged);
    if (existing && newKey !== existing.nameKey && ctx.investors.some((i) => i.nameKey === newKey)) problems.push({ field: 'nameEn', message: 'investors.errors.duplicate' });
    if (problems.length || !parsed.success) {
      fail(d, ...problems);
      return d;
    }
    if (!existing) {
      d.action = 'create';
      d.input = { create: parsed.data as InvestorInput };
      return d;
    }
    d.targetId = String(existing._id);
    d.label = investorLabel(existing);
    d.changes = flatChanges(stored, investorCellsOf(parsed.data as UpdateInvestorInput), INVESTOR_COLUMNS);
    d.action = d.changes.length ? 'update' : 'unchanged';
    if (d.changes.length) d.input = { targetId: d.targetId, update: parsed.data as UpdateInvestorInput };
    return d;
  });
  markDuplicates(decisions, decisions.map((d, i) => (d.targetId ? `id:${d.targetId}` : keyOf(table.rows[i]!.cells) ? `key:${keyOf(table.rows[i]!.cells)}` : undefined)), 'nameEn');
  extraCellsCheck(decisions, table.extraCells);
  return decisions;
}
