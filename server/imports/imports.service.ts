import { Types } from 'mongoose';
import { ImportBatchModel, type ImportKind } from '../../models/import-batch.model.js';
import { AppError, Conflict, NotFound } from '../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { createFirm, updateFirm } from '../firms/firms.service.js';
import { toFirmRecord } from '../firms/firm-mapping.js';
import { createInvestor, updateInvestor } from '../investors/investors.service.js';
import { createRound, updateRound } from '../rounds/rounds.service.js';
import { decodeCsv, readCsv, type CsvFileError, type CsvRow, type CsvTable } from './csv-file.js';
import { COLUMNS, IGNORABLE_COLUMNS } from './import-columns.js';
import { decideFirmRows, type FirmRowInput } from './firm-rows.js';
import { decideInvestorRows, type InvestorRowInput } from './investor-rows.js';
import { decideRoundRows, type RoundRowInput } from './round-rows.js';
import { firmContext, investorContext, roundContext } from './import-lookups.service.js';
import { countsOf, type ImportCounts, type RowDecision } from './row-decision.js';
import { firmPreImage, firmTouch, investorPreImage, roundPreImage, undoImport, ImportJournal, type JournalEntry } from './import-undo.service.js';

// A stored batch stays well under MongoDB's 16 MB document limit.
const MAX_STORED_BYTES = 12 * 1024 * 1024;

type AnyDecision = RowDecision<FirmRowInput | InvestorRowInput | RoundRowInput>;

// Every row's decision, from fresh lookups: run at preview and again at apply.
async function decide(kind: ImportKind, table: Pick<CsvTable, 'rows' | 'extraCells'>): Promise<AnyDecision[]> {
  if (kind === 'firms') return decideFirmRows(table, await firmContext(table.rows));
  if (kind === 'investors') return decideInvestorRows(table, await investorContext(table.rows));
  return decideRoundRows(table, await roundContext(table.rows));
}

const firmOf = (d: AnyDecision) => (d.input && 'firmId' in d.input ? d.input.firmId : undefined);

const storedRows = (rows: CsvRow[], decisions: AnyDecision[], written: Map<number, string> = new Map()) =>
  decisions.map((d, i) => {
    const target = written.get(i) ?? d.targetId;
    const firm = firmOf(d);
    return {
      line: d.line, cells: rows[i]!.cells, action: d.action, key: d.key, label: d.label,
      targetId: target ? new Types.ObjectId(target) : undefined, firmId: firm ? new Types.ObjectId(firm) : undefined,
      changes: d.changes, messages: d.messages,
    };
  });

export type PreviewResult = { batchId: string } | { error: CsvFileError };

// Reads and checks every row and stores the batch with its decisions; writes nothing else.
export async function previewImport(upload: { kind: ImportKind; filename: string; bytes: Uint8Array }, actor: Actor): Promise<PreviewResult> {
  const { text, encoding } = decodeCsv(upload.bytes);
  const table = readCsv(text, COLUMNS[upload.kind], IGNORABLE_COLUMNS[upload.kind]);
  if ('error' in table) return table;
  const decisions = await decide(upload.kind, table);
  const rows = storedRows(table.rows, decisions);
  if (Buffer.byteLength(JSON.stringify(rows)) > MAX_STORED_BYTES) return { error: { message: 'imports.fileErrors.tooLarge' } };
  const batch = await ImportBatchModel.create({
    kind: upload.kind, filename: upload.filename.slice(0, 200), encoding, by: actor.id, byEmail: actor.email, status: 'previewed',
    columns: table.columns, ignoredColumns: table.ignoredColumns, rows, counts: countsOf(decisions),
  });
  return { batchId: String(batch._id) };
}

export async function getBatch(id: string) {
  const batch = await ImportBatchModel.findById(id, { journal: 0 }).lean();
  if (!batch) throw NotFound('import');
  return batch;
}

export type ApplyDeps = {
  // Called before each write (0 for the first); tests make it throw to fail an import midway.
  beforeWrite?: (writeIndex: number) => void | Promise<void>;
};

export type ApplyResult =
  | { outcome: 'applied'; counts: ImportCounts }
  | { outcome: 'failed'; reason: string; line?: number; undoComplete: boolean }
  // The re-check found errors or other decisions than the preview: nothing written, the preview is updated.
  | { outcome: 'changed' }
  // Applied, failed or being applied already: not applied again.
  | { outcome: 'alreadyDone' };

const sameDecision = (stored: { action: string; targetId?: unknown; changes?: unknown[] }, d: AnyDecision) =>
  stored.action === d.action && String(stored.targetId ?? '') === (d.targetId ?? '') && JSON.stringify(stored.changes ?? []) === JSON.stringify(d.changes);

// Re-checks every row, then writes them in order through the feature services with the import's id; if any write
// fails, undoes what was written (there are no transactions) and reports the failure.
export async function applyImport(batchId: string, actor: Actor, deps: ApplyDeps = {}): Promise<ApplyResult> {
  // Claiming the batch (previewed → applying) in one conditional write: a second apply finds nothing to claim.
  const batch = await ImportBatchModel.findOneAndUpdate({ _id: batchId, status: 'previewed' }, { $set: { status: 'applying', journal: [] } }, { returnDocument: 'after' }).lean();
  if (!batch) {
    await getBatch(batchId);
    return { outcome: 'alreadyDone' };
  }
  const rows = batch.rows.map((r) => ({ line: r.line, cells: (r.cells ?? {}) as Record<string, string> }));
  const decisions = await decide(batch.kind, { rows, extraCells: [] });
  if (decisions.some((d) => d.action === 'error') || decisions.some((d, i) => !sameDecision(batch.rows[i]!, d))) {
    await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { status: 'previewed', rows: storedRows(rows, decisions), counts: countsOf(decisions) } });
    return { outcome: 'changed' };
  }
  const run = { kind: batch.kind, importId: batch._id, label: `${batch.kind} · ${batch.filename}`, actor };
  const journal = new ImportJournal(batch._id, decisions.filter((d) => d.input).length);
  const written = new Map<number, string>();
  let current: AnyDecision | undefined;
  try {
    const touched = new Set<string>();
    for (const [i, d] of decisions.entries()) {
      if (!d.input) continue;
      current = d;
      await deps.beforeWrite?.(written.size);
      written.set(i, await writeRow(run, d.input, journal, touched));
    }
    await journal.save();
  } catch (err) {
    return failImport(run, journal, err, current?.line);
  }
  const counts = countsOf(decisions);
  await ImportBatchModel.updateOne(
    { _id: run.importId },
    { $set: { status: 'applied', appliedAt: new Date(), finishedAt: new Date(), counts, rows: storedRows(rows, decisions, written) } },
  );
  await recordAudit({
    actor, entity: 'import', entityId: run.importId, entityLabel: run.label, action: 'import', importId: run.importId,
    changes: [
      { field: 'created', before: null, after: counts.create },
      { field: 'updated', before: null, after: counts.update },
      { field: 'unchanged', before: null, after: counts.unchanged },
    ],
  });
  return { outcome: 'applied', counts };
}

type Run = { kind: ImportKind; importId: Types.ObjectId; label: string; actor: Actor };

// Undoes what the journal says was written, marks the batch failed with the reason, and audits the failure.
async function failImport(run: Run, journal: ImportJournal, err: unknown, line: number | undefined): Promise<ApplyResult> {
  const problems = await undoImport(journal.entries, run.importId, run.actor);
  // The batch keeps the full record of what was written and then undone.
  await journal.save().catch((e: unknown) => problems.push(`journal: ${e instanceof Error ? e.message : String(e)}`));
  const reason = reasonOf(err) + (problems.length ? ` — undo incomplete: ${problems.join('; ')}` : '');
  const undoComplete = problems.length === 0;
  await ImportBatchModel.updateOne({ _id: run.importId }, { $set: { status: 'failed', failure: reason, failureLine: line, undoComplete, finishedAt: new Date() } });
  await recordAudit({
    actor: run.actor, entity: 'import', entityId: run.importId, entityLabel: run.label, action: 'import', importId: run.importId,
    changes: [{ field: 'status', before: 'previewed', after: 'failed' }, { field: 'failure', before: null, after: reason }],
  });
  return { outcome: 'failed', reason, line, undoComplete };
}

function reasonOf(err: unknown): string {
  if (err instanceof AppError && err.details && typeof err.details === 'object' && !('conflict' in err.details)) {
    return `${err.message} (${Object.entries(err.details as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join(', ')})`;
  }
  return err instanceof Error ? err.message : String(err);
}

// One row through its feature service. Updates name the version they read, so a record edited meanwhile is refused
// rather than overwritten; the journal gets the stored values first (update) or the new id after (insert).
function writeRow(run: Run, input: FirmRowInput | InvestorRowInput | RoundRowInput, journal: ImportJournal, touched: Set<string>): Promise<string> {
  if (run.kind === 'firms') return writeFirm(run, input as FirmRowInput, journal);
  if (run.kind === 'investors') return writeInvestor(run, input as InvestorRowInput, journal);
  return writeRound(run, input as RoundRowInput, journal, touched);
}

async function writeFirm({ actor, importId }: Run, row: FirmRowInput, journal: ImportJournal): Promise<string> {
  if ('create' in row) {
    const firm = await createFirm(row.create, actor, { importId });
    await journal.record({ op: 'insert', entity: 'firm', entityId: firm._id });
    return String(firm._id);
  }
  const { entry, version } = await firmPreImage(row.targetId, toFirmRecord(row.update));
  await journal.record(entry);
  await updateFirm(row.targetId, { ...row.update, _version: version }, actor, { importId });
  return row.targetId;
}

async function writeInvestor({ actor, importId }: Run, row: InvestorRowInput, journal: ImportJournal): Promise<string> {
  if ('create' in row) {
    const org = await createInvestor(row.create, actor, { importId });
    await journal.record({ op: 'insert', entity: 'investor', entityId: org._id });
    return String(org._id);
  }
  const { nameKo, nameEn, type, website, bifcBased } = row.update;
  const { entry, version } = await investorPreImage(row.targetId, { nameKo, nameEn, type, website, bifcBased });
  await journal.record(entry);
  const saved = await updateInvestor(row.targetId, { ...row.update, _version: version }, actor, { importId });
  if (!saved.saved) throw Conflict('investor edited by someone else meanwhile');
  return row.targetId;
}

// A round write recomputes its firm's totals (and activity time): the firm's values are journalled once, before its first round.
async function writeRound({ actor, importId }: Run, row: RoundRowInput, journal: ImportJournal, touched: Set<string>): Promise<string> {
  const firmId = new Types.ObjectId(row.firmId);
  if (!touched.has(row.firmId)) {
    touched.add(row.firmId);
    await journal.record(await firmTouch(firmId));
  }
  if ('create' in row) {
    const { round } = await createRound(row.firmId, row.create, actor, { importId });
    await journal.record({ op: 'insert', entity: 'round', entityId: round._id, firm: firmId });
    return String(round._id);
  }
  await journal.record(await roundPreImage(row.roundId));
  await updateRound(row.firmId, row.roundId, row.update, actor, { importId });
  return row.roundId;
}

// An apply cut off by a crash stays 'applying'. Long after any request could still be running it, start-up undoes it
// from its journal and import id (inserted records carry the id) and marks it failed.
export async function recoverInterruptedImports(olderThanMs = 15 * 60_000): Promise<number> {
  const stale = await ImportBatchModel.find({ status: 'applying', updatedAt: { $lt: new Date(Date.now() - olderThanMs) } }, { journal: 1 }).limit(100).lean();
  let recovered = 0;
  for (const batch of stale) {
    const claimed = await ImportBatchModel.updateOne(
      { _id: batch._id, status: 'applying' },
      { $set: { status: 'failed', failure: 'interrupted', undoComplete: false, finishedAt: new Date() } },
    );
    if (!claimed.modifiedCount) continue;
    const problems = await undoImport((batch.journal ?? []) as JournalEntry[], batch._id, null);
    const failure = `interrupted${problems.length ? ` — undo incomplete: ${problems.join('; ')}` : ''}`;
    await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { failure, undoComplete: problems.length === 0 } });
    recovered += 1;
  }
  return recovered;
}
