import { Types } from 'mongoose';
import type { ImportKind } from '../../models/enums.js';
import { Conflict } from '../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import { createFirm, toFirmRecord, updateFirm } from '../firms/index.js';
import { createInvestor, toInvestorRecord, updateInvestor } from '../investors/index.js';
import { createRound, updateRound } from '../rounds/index.js';
import type { FirmRowInput } from './firm-rows.js';
import type { InvestorRowInput } from './investor-rows.js';
import type { RoundRowInput } from './round-rows.js';
import {
  firmPreImage,
  firmTouch,
  investorPreImage,
  roundPreImage,
  type ImportJournal,
  type JournalEntry,
} from './import-undo.service.js';

// One row of an apply in two steps: plan (read the stored values the write will change: the journal stores them before
// any write of the chunk) and write (through the feature service, with the import's id). Updates name the version the
// plan read, so a record edited meanwhile is refused rather than overwritten.

export type ImportRun = { kind: ImportKind; importId: Types.ObjectId; label: string; actor: Actor };
export type RowInput = FirmRowInput | InvestorRowInput | RoundRowInput;
export type RowPlan = { entries: JournalEntry[]; version?: number };

// touched: the firms whose activity time is journalled already (once per firm, before its first round is written).
export async function planRow(run: ImportRun, input: RowInput, touched: Set<string>): Promise<RowPlan> {
  if (run.kind === 'firms') {
    const row = input as FirmRowInput;
    if ('create' in row) return { entries: [] };
    const { entry, version } = await firmPreImage(row.targetId, toFirmRecord(row.update));
    return { entries: [entry], version };
  }
  if (run.kind === 'investors') {
    const row = input as InvestorRowInput;
    if ('create' in row) return { entries: [] };
    const { entry, version } = await investorPreImage(row.targetId, toInvestorRecord(row.update));
    return { entries: [entry], version };
  }
  // A round write recomputes its firm's totals (and activity time).
  const row = input as RoundRowInput;
  const entries: JournalEntry[] = [];
  if (!touched.has(row.firmId)) {
    touched.add(row.firmId);
    entries.push(await firmTouch(new Types.ObjectId(row.firmId)));
  }
  if (!('create' in row)) entries.push(await roundPreImage(row.roundId));
  return { entries };
}

// Returns the id of the record written; an insert goes into the journal once it has its id.
export function writeRow(run: ImportRun, input: RowInput, plan: RowPlan, journal: ImportJournal): Promise<string> {
  if (run.kind === 'firms') return writeFirm(run, input as FirmRowInput, plan, journal);
  if (run.kind === 'investors') return writeInvestor(run, input as InvestorRowInput, plan, journal);
  return writeRound(run, input as RoundRowInput, journal);
}

async function writeFirm(
  { actor, importId }: ImportRun,
  row: FirmRowInput,
  plan: RowPlan,
  journal: ImportJournal,
): Promise<string> {
  if ('create' in row) {
    const firm = await createFirm(row.create, actor, { importId });
    journal.record({ op: 'insert', entity: 'firm', entityId: firm._id });
    return String(firm._id);
  }
  await updateFirm(row.targetId, { ...row.update, _version: plan.version }, actor, { importId });
  return row.targetId;
}

async function writeInvestor(
  { actor, importId }: ImportRun,
  row: InvestorRowInput,
  plan: RowPlan,
  journal: ImportJournal,
): Promise<string> {
  if ('create' in row) {
    const org = await createInvestor(row.create, actor, { importId });
    journal.record({ op: 'insert', entity: 'investor', entityId: org._id });
    return String(org._id);
  }
  const saved = await updateInvestor(row.targetId, { ...row.update, _version: plan.version ?? 0 }, actor, { importId });
  if (!saved.saved) throw Conflict('investor edited by someone else meanwhile');
  return row.targetId;
}

async function writeRound({ actor, importId }: ImportRun, row: RoundRowInput, journal: ImportJournal): Promise<string> {
  if ('create' in row) {
    const { round } = await createRound(row.firmId, row.create, actor, { importId });
    journal.record({ op: 'insert', entity: 'round', entityId: round._id, firm: new Types.ObjectId(row.firmId) });
    return String(round._id);
  }
  await updateRound(row.firmId, row.roundId, row.update, actor, { importId });
  return row.roundId;
}
