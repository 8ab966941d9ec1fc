import { roundBody, toRoundFields, toRoundRecord, type RoundInput, type StoredRound } from '../rounds/index.js';
import { nameIn } from '../lib/names.js';
import type { CsvTable } from './csv-file.js';
import { dayCell, formatParticipantsCell, parseParticipantsCell } from './cell-values.js';
import { ROUND_FIELD_COLUMNS } from './import-columns.js';
import { choiceCells } from './choice-cells.js';
import { participantsFromColumns } from './participant-columns.js';
import { groupBy } from '../lib/group-by.js';
import { brnKey, firmsNamed, investorNamed, type FirmRef, type InvestorRef } from './match-rules.js';
import {
  createRow,
  extraCellsCheck,
  fail,
  flatChanges,
  markDuplicates,
  newDecision,
  updateRow,
  type RowDecision,
  type RowMessage,
} from './row-decision.js';

export type ExistingRound = StoredRound & { _id: unknown; firm: unknown };
export type RoundContext = {
  firms: readonly FirmRef[];
  investors: readonly InvestorRef[];
  rounds: readonly ExistingRound[];
};
export type RoundRowInput =
  { firmId: string; create: RoundInput } | { firmId: string; roundId: string; update: RoundInput };

// A round as CSV cells (without its firm): what the export writes and what an update row is compared with.
export function roundCellsOf(r: StoredRound, investorName: (id: string) => string): Record<string, string> {
  return {
    ...toRoundFields(r),
    participants: formatParticipantsCell(
      (r.participants ?? []).map((p) => ({
        name: investorName(String(p.investor)),
        amountKrw: p.amountKrw,
        lead: p.lead,
      })),
    ),
  };
}

const dayOf = (r: { closedOn?: string | null; announcedOn?: string | null }) => r.closedOn || r.announcedOn || '';

function matchFirm(cells: Record<string, string>, firms: readonly FirmRef[]): { firm?: FirmRef; message?: RowMessage } {
  const brnCell = cells.firmBrn?.trim();
  if (brnCell) {
    const brn = brnKey(brnCell);
    if (!brn) return { message: { field: 'firmBrn', message: 'firms.errors.brn' } };
    const firm = firms.find((f) => f.brn === brn);
    return firm
      ? { firm }
      : { message: { field: 'firmBrn', message: 'imports.errors.unknownFirm', params: { name: brnCell } } };
  }
  const name = cells.firmName?.trim();
  if (!name) return { message: { field: 'firmBrn', message: 'imports.errors.firmNeeded' } };
  const named = firmsNamed(firms, { nameKo: name, nameEn: name });
  if (named.length > 1) return { message: { field: 'firmName', message: 'imports.errors.ambiguousFirm' } };
  return named[0]
    ? { firm: named[0] }
    : { message: { field: 'firmName', message: 'imports.errors.unknownFirm', params: { name } } };
}

// CSV cells → the round form's body; participants by investor name.
function roundBodyOf(
  cells: Record<string, string>,
  investors: readonly InvestorRef[],
): { body: Record<string, unknown>; messages: RowMessage[] } {
  const messages: RowMessage[] = [];
  const body: Record<string, unknown> = {};
  for (const column of ROUND_FIELD_COLUMNS) {
    if (column === 'participants' || cells[column] === undefined) continue;
    body[column] = column === 'announcedOn' || column === 'closedOn' ? dayCell(cells[column]) : cells[column];
  }
  // Participant columns (participant1, participant1AmountKrw, participant1Lead …) when the file has them, else the cell.
  const columns = Object.keys(cells).some((c) => /^participant\d+/.test(c));
  const { participants, invalid } = columns
    ? { participants: participantsFromColumns(cells), invalid: [] }
    : parseParticipantsCell(cells.participants);
  for (const part of invalid)
    messages.push({ field: 'participants', message: 'imports.errors.participantFormat', params: { part } });
  body.participants = participants.map((p) => {
    const investor = investorNamed(investors, p.name);
    if (!investor)
      messages.push({ field: 'participants', message: 'imports.errors.unknownInvestor', params: { name: p.name } });
    return { investor: investor ? String(investor._id) : '', amountKrw: p.amount ?? '', lead: p.lead ? 'true' : '' };
  });
  // An unknown investor is reported by name above, not again as "choose the investor".
  if (messages.length) body.participants = [];
  return { body, messages };
}

export function decideRoundRows(
  table: Pick<CsvTable, 'rows' | 'extraCells'>,
  ctx: RoundContext,
): RowDecision<RoundRowInput>[] {
  const names = new Map(ctx.investors.map((i) => [String(i._id), nameIn(i, 'en')]));
  const nameOf = (id: string) => names.get(id) ?? id;
  // The stored rounds by firm, once (a file of 5,000 rows searched the 6,000 stored rounds row by row: seconds).
  const roundsOf = groupBy(ctx.rounds, (r) => String(r.firm));
  const keys: (string | undefined)[] = [];
  const decisions = table.rows.map((row) => {
    const d: RowDecision<RoundRowInput> = newDecision(row);
    const choices = choiceCells('rounds', row.cells);
    row = { ...row, cells: choices.cells };
    const day = dayCell(row.cells.closedOn) || dayCell(row.cells.announcedOn);
    const { firm, message } = matchFirm(row.cells, ctx.firms);
    const firmLabel = firm ? nameIn(firm, 'ko') : row.cells.firmName?.trim() || row.cells.firmBrn?.trim() || '';
    d.key = [firmLabel, row.cells.stage?.trim(), day].filter(Boolean).join(' · ');
    d.label = firmLabel;
    const roundId = row.cells.roundId?.trim();
    const firmRounds = firm ? (roundsOf.get(String(firm._id)) ?? []) : [];
    const pinned = roundId ? firmRounds.find((r) => String(r._id) === roundId) : undefined;
    if (roundId && !pinned && firm) {
      fail(d, { field: 'roundId', message: 'imports.errors.unknownRound' });
      keys.push(undefined);
      return d;
    }
    keys.push(pinned ? `id|${roundId}` : firm ? `${String(firm._id)}|${row.cells.stage?.trim()}|${day}` : undefined);
    const same = pinned ? [pinned] : firmRounds.filter((r) => r.stage === row.cells.stage?.trim() && dayOf(r) === day);
    if (same.length > 1) {
      fail(d, { field: 'stage', message: 'imports.errors.ambiguousRound' });
      return d;
    }
    const existing = same[0];
    const stored = existing ? roundCellsOf(existing, nameOf) : {};
    const { body, messages } = roundBodyOf({ ...stored, ...row.cells }, ctx.investors);
    // Without its firm a row always carries the message saying so, and fails.
    const problems = [...(message ? [message] : []), ...choices.messages, ...messages];
    const firmId = firm ? String(firm._id) : '';
    const parsed = roundBody.safeParse(body);
    if (!existing) return createRow(d, problems, parsed, (create): RoundRowInput => ({ firmId, create }));
    const targetId = String(existing._id);
    return updateRow(d, problems, parsed, {
      id: targetId,
      changes: (update) => flatChanges(stored, roundCellsOf(toRoundRecord(update), nameOf), ROUND_FIELD_COLUMNS),
      input: (update): RoundRowInput => ({ firmId, roundId: targetId, update }),
    });
  });
  markDuplicates(decisions, keys, 'stage');
  extraCellsCheck(decisions, table.extraCells);
  return decisions;
}
