import { Types } from 'mongoose';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import type { ImportKind } from '../../models/enums.js';
import { AppError, NotFound } from '../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { decodeCsv, readCsv, type CsvFileError, type CsvRow, type CsvTable } from './csv-file.js';
import { COLUMNS, IGNORABLE_COLUMNS } from './import-columns.js';
import { decideFirmRows, type FirmRowInput } from './firm-rows.js';
import { decideInvestorRows, type InvestorRowInput } from './investor-rows.js';
import { decideRoundRows, type RoundRowInput } from './round-rows.js';
import { firmContext, investorContext, roundContext } from './import-lookups.service.js';
import { countsOf, type ImportCounts, type RowDecision } from './row-decision.js';
import { ImportJournal, type JournalEntry } from './import-undo.service.js';
import { planRow, writeRow, type ImportRun, type RowPlan } from './import-writes.service.js';
import { ImportLease, ImportLeaseLost, type LeaseTiming } from './import-lease.service.js';
import { undoHeldBatch } from './import-recovery.service.js';
import { trackApply } from './running-applies.js';

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
      line: d.line,
      cells: rows[i]!.cells, // one decision per row
      action: d.action,
      key: d.key,
      label: d.label,
      targetId: target ? new Types.ObjectId(target) : undefined,
      firmId: firm ? new Types.ObjectId(firm) : undefined,
      changes: d.changes,
      messages: d.messages,
    };
  });

export type PreviewResult = { batchId: string } | { error: CsvFileError };

// Reads and checks every row and stores the batch with its decisions; writes nothing else.
export async function previewImport(
  upload: { kind: ImportKind; filename: string; bytes: Uint8Array },
  actor: Actor,
): Promise<PreviewResult> {
  const { text, encoding } = decodeCsv(upload.bytes);
  const table = readCsv(text, COLUMNS[upload.kind], IGNORABLE_COLUMNS[upload.kind]);
  if ('error' in table) return table;
  const decisions = await decide(upload.kind, table);
  const rows = storedRows(table.rows, decisions);
  if (Buffer.byteLength(JSON.stringify(rows)) > MAX_STORED_BYTES)
    return { error: { message: 'imports.fileErrors.tooLarge' } };
  const batch = await ImportBatchModel.create({
    kind: upload.kind,
    filename: upload.filename.slice(0, 200),
    encoding,
    by: actor.id,
    byEmail: actor.email,
    status: 'previewed',
    columns: table.columns,
    ignoredColumns: table.ignoredColumns,
    rows,
    counts: countsOf(decisions),
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
  // The lease held on the batch while applying (tests shorten it).
  lease?: LeaseTiming;
};

export type ApplyResult =
  | { outcome: 'applied'; counts: ImportCounts }
  | { outcome: 'failed'; reason: string; line?: number; undoComplete: boolean }
  // Stopped before the end (the app shutting down, or the lease lost) and undone: the batch may be applied again.
  | { outcome: 'interrupted' }
  // The re-check found errors or other decisions than the preview: nothing written, the preview is updated.
  | { outcome: 'changed' }
  // Applied, failed or being applied already: not applied again.
  | { outcome: 'alreadyDone' };

const sameDecision = (
  stored: { action: string; targetId?: Types.ObjectId | null; changes?: unknown[] },
  d: AnyDecision,
) =>
  stored.action === d.action &&
  String(stored.targetId ?? '') === (d.targetId ?? '') &&
  JSON.stringify(stored.changes ?? []) === JSON.stringify(d.changes);

// Re-checks every row, then writes them in order through the feature services with the import's id; if any write
// fails, undoes what was written (there are no transactions) and reports the failure. The batch is held under a lease
// renewed while this runs: if the process dies, the lease lapses and recovery undoes the batch.
export function applyImport(batchId: string, actor: Actor, deps: ApplyDeps = {}): Promise<ApplyResult> {
  return trackApply(async (controller) => {
    const batch = await ImportBatchModel.findById(batchId, { journal: 0 }).lean();
    if (!batch) throw NotFound('import');
    // Claiming the batch (previewed or interrupted → applying) takes its next lease: a second apply finds it taken.
    const claimable = (status: string) => status === 'previewed' || status === 'interrupted';
    const lease = claimable(batch.status)
      ? await ImportLease.claim(batch, claimable, deps.lease, (err) => controller.abort(err))
      : undefined;
    if (!lease) return { outcome: 'alreadyDone' };
    try {
      await ImportBatchModel.updateOne(
        { _id: batch._id },
        {
          $set: { status: 'applying', journal: [], claims: (batch.claims ?? 0) + 1, leaseOwner: lease.owner },
          $unset: { failure: 1, failureLine: 1, undoComplete: 1, finishedAt: 1 },
        },
      );
      lease.start();
      return await applyClaimed(batch, actor, deps, lease, controller.signal);
    } finally {
      lease.stop();
    }
  });
}

type ClaimedBatch = {
  _id: Types.ObjectId;
  kind: ImportKind;
  filename: string;
  status: string;
  rows: { line: number; cells?: unknown; action: string; targetId?: Types.ObjectId | null; changes?: unknown[] }[];
};

async function applyClaimed(
  batch: ClaimedBatch,
  actor: Actor,
  deps: ApplyDeps,
  lease: ImportLease,
  signal: AbortSignal,
): Promise<ApplyResult> {
  const rows = batch.rows.map((r) => ({ line: r.line, cells: (r.cells ?? {}) as Record<string, string> }));
  const decisions = await decide(batch.kind, { rows, extraCells: [] });
  if (decisions.some((d) => d.action === 'error') || decisions.some((d, i) => !sameDecision(batch.rows[i]!, d))) {
    await lease.close({
      $set: { status: 'previewed', rows: storedRows(rows, decisions), counts: countsOf(decisions) },
    });
    return { outcome: 'changed' };
  }
  const run: ImportRun = { kind: batch.kind, importId: batch._id, label: `${batch.kind} · ${batch.filename}`, actor };
  const journal = new ImportJournal(lease);
  const toWrite = [...decisions.entries()].filter(([, d]) => d.input);
  const size = ImportJournal.chunkSize(toWrite.length);
  const written = new Map<number, string>();
  // Entries written ahead for rows not written yet: left out of an undo in this process (nothing to undo there).
  const ahead = new Set<JournalEntry>();
  let current: AnyDecision | undefined;
  try {
    const touched = new Set<string>();
    for (let start = 0; start < toWrite.length; start += size) {
      const chunk: { i: number; d: AnyDecision; plan: RowPlan }[] = [];
      for (const [i, d] of toWrite.slice(start, start + size)) {
        current = d;
        chunk.push({ i, d, plan: await planRow(run, d.input!, touched) });
      }
      const entries = chunk.flatMap((c) => c.plan.entries);
      entries.forEach((e) => ahead.add(e));
      await journal.writeAhead(entries);
      for (const { i, d, plan } of chunk) {
        current = d;
        await deps.beforeWrite?.(written.size);
        signal.throwIfAborted();
        lease.assertHeld();
        plan.entries.forEach((e) => ahead.delete(e));
        written.set(i, await writeRow(run, d.input!, plan, journal));
      }
    }
    await journal.save();
  } catch (err) {
    return stopApply(
      run,
      lease,
      journal.entries.filter((e) => !ahead.has(e)),
      { err, line: current?.line, interrupted: signal.aborted || err instanceof ImportLeaseLost, from: batch.status },
    );
  }
  const counts = countsOf(decisions);
  const done = await lease.close({
    $set: {
      status: 'applied',
      appliedAt: new Date(),
      finishedAt: new Date(),
      counts,
      rows: storedRows(rows, decisions, written),
    },
  });
  // Taken over at the last moment (this process stalled past its lease): the other process undoes it.
  if (!done) return { outcome: 'interrupted' };
  await recordAudit({
    actor,
    entity: 'import',
    entityId: run.importId,
    entityLabel: run.label,
    action: 'import',
    importId: run.importId,
    changes: [
      { field: 'created', before: null, after: counts.create },
      { field: 'updated', before: null, after: counts.update },
      { field: 'unchanged', before: null, after: counts.unchanged },
    ],
  });
  return { outcome: 'applied', counts };
}

// Undoes what the journal says was written and records the end: failed (a row could not be written) or interrupted
// (stopped by a shutdown or the loss of the lease: may be applied again). A batch another instance has taken over is
// left to it.
async function stopApply(
  run: ImportRun,
  lease: ImportLease,
  entries: JournalEntry[],
  stop: { err: unknown; line: number | undefined; interrupted: boolean; from: string },
): Promise<ApplyResult> {
  // A lease too near its end (or lost) is left to lapse: the recovery of another process, or of the next start, undoes it.
  try {
    lease.assertHeld();
  } catch {
    return { outcome: 'interrupted' };
  }
  if (!(await lease.update({ $set: { status: 'undoing' } }))) return { outcome: 'interrupted' };
  const end = await undoHeldBatch({
    batchId: run.importId,
    lease,
    entries,
    actor: run.actor,
    label: run.label,
    from: stop.from,
    failure: stop.interrupted ? undefined : { reason: reasonOf(stop.err), line: stop.line },
  });
  if (end.status === 'interrupted') return { outcome: 'interrupted' };
  return {
    outcome: 'failed',
    reason: end.reason!,
    line: stop.interrupted ? undefined : stop.line,
    undoComplete: end.undoComplete,
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof AppError && err.details && typeof err.details === 'object' && !('conflict' in err.details)) {
    return `${err.message} (${Object.entries(err.details as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ')})`;
  }
  return err instanceof Error ? err.message : String(err);
}
