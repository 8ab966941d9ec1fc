import { Types } from 'mongoose';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import { referencedIds, type StoredRowIn } from './import-display.js';
import type { ImportKind } from '../../models/enums.js';
import { AppError, NotFound } from '../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import {
  decodeCsv,
  parseCsv,
  tableOf,
  type CsvFileError,
  type CsvRow,
  type CsvSource,
  type CsvTable,
} from './csv-file.js';
import { betterKind, missingRequired, recogniseHeaders } from './header-recognition.js';
import { decideFirmRows, type FirmRowInput } from './firm-rows.js';
import { decideInvestorRows, type InvestorRowInput } from './investor-rows.js';
import { decideRoundRows, type RoundRowInput } from './round-rows.js';
import { firmContext, investorContext, roundContext } from './import-lookups.service.js';
import { countsOf, type ImportCounts, type RowDecision, type RowMessage } from './row-decision.js';
import { discardJournalParts, ImportJournal, type JournalEntry, type JournalParts } from './import-undo.service.js';
import {
  FirmChunkFailure,
  planFirmChunk,
  planInvestorChunk,
  planRoundChunk,
  writeFirmChunk,
  writeInvestorChunk,
  writeRoundChunk,
  type FirmChunkPlan,
  type ImportRun,
} from './import-writes.service.js';
import { refreshReportMonthsOf } from '../reports/index.js';
import { recomputeTotalsOf } from '../rounds/index.js';
import { groupBy } from '../lib/group-by.js';
import { ImportLease, ImportLeaseLost, withProgress, type LeaseTiming } from './import-lease.service.js';
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

// The guessed column of each header position ('' = not imported) and whether the person must look at it: a header
// still unknown, a required column missing, or another kind the file fits better.
function guessMapping(kind: ImportKind, headers: readonly string[]) {
  const matches = recogniseHeaders(kind, headers);
  const mapping = matches.map((m) => (m.status === 'column' ? m.column : ''));
  const suggestedKind = betterKind(kind, headers);
  const needsMapping =
    matches.some((m) => m.status === 'unknown') || missingRequired(kind, mapping).length > 0 || !!suggestedKind;
  return { mapping, needsMapping, suggestedKind };
}

// The rows of a file read with a mapping, checked: what a previewed batch stores.
async function checkedRows(kind: ImportKind, source: CsvSource, mapping: readonly string[]) {
  const table = tableOf(
    source,
    mapping.map((c) => c || undefined),
  );
  if ('error' in table) return table;
  const [missing] = missingRequired(kind, table.columns);
  if (missing) return { error: { message: 'imports.fileErrors.missingColumn', params: { column: missing } } };
  const decisions = await decide(kind, table);
  const rows = storedRows(table.rows, decisions);
  return {
    columns: table.columns,
    ignoredColumns: table.ignoredColumns,
    rows,
    counts: countsOf(decisions),
    needsMapping: false,
  };
}

const sourceBytes = (source: CsvSource) => Buffer.byteLength(JSON.stringify(source));

// Reads the file and stores it as a batch: checked row by row when every header is recognised, else waiting for the
// person's mapping of the columns. Writes nothing else.
export async function previewImport(
  upload: { kind: ImportKind; filename: string; bytes: Uint8Array },
  actor: Actor,
): Promise<PreviewResult> {
  const { text, encoding } = decodeCsv(upload.bytes);
  const source = parseCsv(text);
  if ('error' in source) return source;
  const guess = guessMapping(upload.kind, source.headers);
  const base = {
    kind: upload.kind,
    filename: upload.filename.slice(0, 200),
    encoding,
    by: actor.id,
    byEmail: actor.email,
    status: 'previewed' as const,
    source,
    mapping: guess.mapping,
    suggestedKind: guess.suggestedKind,
  };
  if (guess.needsMapping) {
    if (sourceBytes(source) > MAX_STORED_BYTES / 2) return { error: { message: 'imports.fileErrors.tooLarge' } };
    const batch = await ImportBatchModel.create({ ...base, needsMapping: true });
    return { batchId: String(batch._id) };
  }
  const checked = await checkedRows(upload.kind, source, guess.mapping);
  if ('error' in checked) return checked;
  if (Buffer.byteLength(JSON.stringify(checked.rows)) + sourceBytes(source) > MAX_STORED_BYTES)
    return { error: { message: 'imports.fileErrors.tooLarge' } };
  const batch = await ImportBatchModel.create({ ...base, ...checked });
  return { batchId: String(batch._id) };
}

export type MappingResult = { ok: true } | { error: CsvFileError } | { notMappable: true };

// Checks the stored file again with the person's mapping (or, for another kind, with that kind's guess): the batch
// becomes a preview of that reading. Only a batch not yet applied can be read again.
export async function remapImport(
  batchId: string,
  choice: { kind: ImportKind; mapping?: readonly string[] },
): Promise<MappingResult> {
  const batch = await ImportBatchModel.findById(batchId, { journal: 0, rows: 0 }).lean();
  if (!batch) throw NotFound('import');
  if (batch.status !== 'previewed' || !batch.source) return { notMappable: true };
  const source = { headers: batch.source.headers, records: batch.source.records as CsvSource['records'] };
  const guess = choice.mapping ? undefined : guessMapping(choice.kind, source.headers);
  const mapping = choice.mapping ? source.headers.map((_, i) => choice.mapping![i] ?? '') : guess!.mapping;
  const waiting = { kind: choice.kind, mapping, suggestedKind: guess?.suggestedKind, needsMapping: true };
  if (guess?.needsMapping) {
    await ImportBatchModel.updateOne(
      { _id: batch._id, status: 'previewed' },
      { $set: { ...waiting, rows: [], columns: [], ignoredColumns: [], counts: countsOf([]) } },
    );
    return { ok: true };
  }
  const checked = await checkedRows(choice.kind, source, mapping);
  if ('error' in checked) return checked;
  if (Buffer.byteLength(JSON.stringify(checked.rows)) + sourceBytes(source) > MAX_STORED_BYTES)
    return { error: { message: 'imports.fileErrors.tooLarge' } };
  await ImportBatchModel.updateOne(
    { _id: batch._id, status: 'previewed' },
    { $set: { ...checked, kind: choice.kind, mapping }, $unset: { suggestedKind: 1 } },
  );
  return { ok: true };
}

export async function getBatch(id: string) {
  const batch = await ImportBatchModel.findById(id, { journal: 0 }).lean();
  if (!batch) throw NotFound('import');
  return withProgress(batch);
}

// What the page of a batch being applied or undone shows (it reloads every 2 s): everything but its rows, its file and
// its journal, named field by field (the embedded database then hands back only those; a batch of 5,000 rows took
// 0.6 s to read whole, time taken from the apply it shows).
const HELD_PAGE_FIELDS = Object.fromEntries(
  [
    'kind',
    'filename',
    'encoding',
    'by',
    'byEmail',
    'at',
    'status',
    'counts',
    'ignoredColumns',
    'needsMapping',
    'appliedRows',
    'totalRows',
    'claims',
  ].map((f) => [f, 1]),
);

// A batch as its page needs it: without its rows while it is being applied or undone (the row report comes at the end).
export async function getBatchForPage(id: string) {
  const summary = await ImportBatchModel.findById(id, HELD_PAGE_FIELDS).lean();
  if (!summary) throw NotFound('import');
  if (summary.status === 'applying' || summary.status === 'undoing')
    return withProgress({ ...summary, rows: [] as unknown as typeof summary.rows });
  return getBatch(id);
}

// The names of the records a batch's rows refer to by id (a TIPS operator, a contact person), keyed by lowercase id.
export async function referencedNames(rows: readonly StoredRowIn[], lang: Lang): Promise<Map<string, string>> {
  const { investors, people } = referencedIds(rows);
  const names = new Map<string, string>();
  if (investors.length)
    for (const i of await InvestorOrgModel.find({ _id: { $in: investors } }, { nameKo: 1, nameEn: 1 }).lean())
      names.set(String(i._id), nameIn(i, lang));
  if (people.length)
    for (const p of await PersonModel.find({ _id: { $in: people } }, { name: 1 }).lean())
      names.set(String(p._id), p.name);
  return names;
}

export type ApplyDeps = {
  // Called before each write (0 for the first); tests make it throw to fail an import midway.
  beforeWrite?: (writeIndex: number) => void | Promise<void>;
  // The lease held on the batch while applying (tests shorten it).
  lease?: LeaseTiming;
  // Called once the batch is claimed and marked applying (the page can show its progress from then on).
  onApplying?: () => void;
};

export type ApplyResult =
  | { outcome: 'applied'; counts: ImportCounts }
  | { outcome: 'failed'; reason: string; line?: number; undoComplete: boolean }
  // Stopped before the end (the app shutting down, or the lease lost) and undone: the batch may be applied again.
  | { outcome: 'interrupted' }
  // The re-check found errors or other decisions than the preview: nothing written, the preview is updated.
  | { outcome: 'changed' }
  // Applied, failed or being applied already: not applied again.
  | { outcome: 'alreadyDone' }
  // Its columns still wait for the person's mapping: nothing checked, nothing written.
  | { outcome: 'needsMapping' };

// skipErrors: write the valid rows and leave out the rows with errors (the same rows as the preview showed).
export type ApplyOptions = { skipErrors?: boolean };

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
// Rows to write above which the page's apply runs in the background (the request returns at once to a progress page).
export const BACKGROUND_ROWS = 300;

export const rowsToWrite = (rows: readonly { action: string }[]) =>
  rows.filter((r) => r.action === 'create' || r.action === 'update').length;

const APPLY_FIELDS = { kind: 1, filename: 1, status: 1, needsMapping: 1, claims: 1, rows: 1 } as const;

export function applyImport(
  batchId: string,
  actor: Actor,
  deps: ApplyDeps = {},
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return trackApply(async (controller) => {
    // The fields the apply reads, named (the embedded database then decodes only those, not the file as uploaded).
    const batch = await ImportBatchModel.findById(batchId, APPLY_FIELDS).lean();
    if (!batch) throw NotFound('import');
    if (batch.needsMapping && batch.status === 'previewed') return { outcome: 'needsMapping' };
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
          $set: {
            status: 'applying',
            journal: [],
            claims: (batch.claims ?? 0) + 1,
            leaseOwner: lease.owner,
            appliedRows: 0,
            totalRows: rowsToWrite(batch.rows),
          },
          // The file as uploaded is needed no more (its rows are stored checked); the batch is rewritten on every journal
          // write, so it stays small.
          $unset: { failure: 1, failureLine: 1, undoComplete: 1, finishedAt: 1, source: 1 },
        },
      );
      lease.start();
      deps.onApplying?.();
      return await applyClaimed(batch, actor, deps, lease, controller.signal, options.skipErrors === true);
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
  rows: {
    line: number;
    cells?: unknown;
    action: string;
    targetId?: Types.ObjectId | null;
    changes?: unknown[];
    messages?: unknown[];
  }[];
};

async function applyClaimed(
  batch: ClaimedBatch,
  actor: Actor,
  deps: ApplyDeps,
  lease: ImportLease,
  signal: AbortSignal,
  skipErrors: boolean,
): Promise<ApplyResult> {
  const rows = batch.rows.map((r) => ({ line: r.line, cells: (r.cells ?? {}) as Record<string, string> }));
  const decisions = await decide(batch.kind, { rows, extraCells: [] });
  // Rows with errors are skipped only when asked, and only those the preview showed as errors (they stay skipped even
  // if they would pass now); any other row whose decision changed since means the person has not seen what would be
  // written.
  const skipped = (i: number) => skipErrors && batch.rows[i]?.action === 'error';
  if (decisions.some((d, i) => !skipped(i) && (d.action === 'error' || !sameDecision(batch.rows[i]!, d)))) {
    await lease.close({
      $set: { status: 'previewed', rows: storedRows(rows, decisions), counts: countsOf(decisions) },
    });
    return { outcome: 'changed' };
  }
  const run: ImportRun = { kind: batch.kind, importId: batch._id, label: `${batch.kind} · ${batch.filename}`, actor };
  const journal = new ImportJournal(lease);
  const toWrite = [...decisions.entries()].filter(([i, d]) => d.input && !skipped(i));
  const size = ImportJournal.chunkSize(toWrite.length);
  const written = new Map<number, string>();
  // Entries written ahead for rows not written yet, by the id of the record they name: left out of an undo in this
  // process (nothing to undo there).
  const ahead = new Map<string, JournalEntry[]>();
  let current: AnyDecision | undefined;
  const chunkRun: ChunkRun = { journal, ahead, written, deps, signal, lease, at: (d) => (current = d) };
  try {
    if (batch.kind === 'firms') {
      await applyFirmChunks(run, toWrite, size, chunkRun);
      await refreshReportMonthsOf(written.values());
    }
    if (batch.kind === 'rounds') {
      const touched = new Set<string>();
      await applyRoundChunks(run, byFirm(toWrite), size, touched, chunkRun);
      // Round rows leave their firms' totals and monthly report summaries to here: once per firm, not once per row,
      // and for all the firms in one pass.
      await recomputeTotalsOf(touched);
      await refreshReportMonthsOf(touched);
    }
    if (batch.kind === 'investors') await applyInvestorChunks(run, toWrite, size, chunkRun);
  } catch (err) {
    const notWritten = aheadSet(ahead);
    return stopApply(
      run,
      lease,
      { entries: journal.entries.filter((e) => !notWritten.has(e)), parts: journal.stored },
      { err, line: current?.line, interrupted: signal.aborted || err instanceof ImportLeaseLost, from: batch.status },
    );
  }
  // A skipped row keeps the errors the preview showed.
  const applied: AnyDecision[] = decisions.map((d, i) =>
    skipped(i)
      ? {
          ...d,
          action: 'error',
          input: undefined,
          changes: [],
          messages: (batch.rows[i]?.messages ?? []) as RowMessage[],
        }
      : d,
  );
  const counts = countsOf(applied);
  const done = await lease.close({
    $set: {
      status: 'applied',
      appliedRows: written.size,
      appliedAt: new Date(),
      finishedAt: new Date(),
      skipErrors: counts.error > 0,
      counts,
      rows: storedRows(rows, applied, written),
    },
  });
  // Taken over at the last moment (this process stalled past its lease): the other process undoes it.
  if (!done) return { outcome: 'interrupted' };
  await discardJournalParts(journal.stored);
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

type ChunkRun = {
  journal: ImportJournal;
  ahead: Map<string, JournalEntry[]>;
  written: Map<number, string>;
  deps: ApplyDeps;
  signal: AbortSignal;
  lease: ImportLease;
  // The row being written (its line is reported when the write fails).
  at: (d: AnyDecision) => void;
};

// Rows in chunks: each chunk planned and its journal entries written ahead (with the batch's progress, rows written),
// then written; with a beforeWrite hook (tests), one row at a time after its call, so a test can stop at a row.
async function writeInChunks<P extends { entries: JournalEntry[] }>(
  toWrite: [number, AnyDecision][],
  size: number,
  c: ChunkRun,
  planChunk: (rows: [number, AnyDecision][]) => Promise<P>,
  writePart: (plan: P, part: [number, AnyDecision][], k: number) => Promise<void>,
): Promise<void> {
  const total = toWrite.length;
  for (let start = 0; start < total; start += size) {
    const rows = toWrite.slice(start, start + size);
    const plan = await planChunk(rows);
    await c.journal.writeAhead(plan.entries, { appliedRows: c.written.size, totalRows: total });
    const step = c.deps.beforeWrite ? 1 : rows.length;
    for (let k = 0; k < rows.length; k += step) {
      const part = rows.slice(k, k + step);
      for (const [, d] of part) {
        c.at(d);
        await c.deps.beforeWrite?.(c.written.size);
      }
      c.signal.throwIfAborted();
      c.lease.assertHeld();
      await writePart(plan, part, k);
    }
  }
  await c.journal.save({ appliedRows: c.written.size, totalRows: total });
}

// Firm rows: the chunk's stored firms read at once and their pre-images journalled ahead, then written in bulk
// (import-writes.service.ts).
function applyFirmChunks(run: ImportRun, toWrite: [number, AnyDecision][], size: number, c: ChunkRun): Promise<void> {
  return writeInChunks(
    toWrite,
    size,
    c,
    async (rows) => {
      const plan = await planFirmChunk(rows.map(([, d]) => ({ line: d.line, input: d.input as FirmRowInput })));
      for (const e of plan.entries) c.ahead.set(String(e.entityId), [...(c.ahead.get(String(e.entityId)) ?? []), e]);
      return plan;
    },
    async (plan, part, k) => {
      const partPlan = { entries: plan.entries, rows: plan.rows.slice(k, k + part.length) };
      let done: ReadonlySet<number>;
      try {
        done = await writeFirmChunk(run, partPlan);
      } catch (err) {
        if (!(err instanceof FirmChunkFailure)) throw err;
        err.written.forEach((j) => settle(c, part[j]!, partPlan.rows[j]!));
        const failed = part[err.failedRow ?? 0];
        if (failed) c.at(failed[1]);
        throw err.cause;
      }
      done.forEach((j) => settle(c, part[j]!, partPlan.rows[j]!));
    },
  );
}

// A part of a chunk written at once by `write`: its rows are written under the ids their plan chose (a failure writes
// none of them as far as the report goes; the undo finds what was by the journal and the import's id).
const writtenAtOnce =
  <R extends { id: Types.ObjectId }>(c: ChunkRun, write: (rows: R[]) => Promise<void>) =>
  async (plan: { rows: R[] }, part: [number, AnyDecision][], k: number) => {
    const planned = plan.rows.slice(k, k + part.length);
    await write(planned);
    part.forEach(([i], j) => c.written.set(i, String(planned[j]!.id)));
  };

// Investor rows: planned and journalled ahead a chunk at a time (the pre-images of the organisations updated, the ids
// of the new ones), then written at once (import-writes.service.ts). An undo restores every pre-image written ahead:
// one of a row not yet written equals what is stored.
function applyInvestorChunks(run: ImportRun, toWrite: [number, AnyDecision][], size: number, c: ChunkRun) {
  return writeInChunks(
    toWrite,
    size,
    c,
    (rows) => planInvestorChunk(rows.map(([, d]) => d.input as InvestorRowInput)),
    writtenAtOnce(c, (rows) => writeInvestorChunk(run, rows)),
  );
}

// Round rows in the order of their firms (file order within a firm): a chunk then holds a few firms' rounds, so each
// firm's timeline and audit bucket is rewritten about once per import rather than once per chunk (a file listing
// rounds by date visits every firm in every chunk). Rows are independent of each other's writes, and the report
// names rows by line.
const byFirm = (rows: [number, AnyDecision][]) =>
  [...groupBy(rows, ([, d]) => (d.input as RoundRowInput).firmId).values()].flat();

// Round rows: planned and journalled ahead a chunk at a time, the new rounds then written at once
// (import-writes.service.ts). Every entry written ahead takes part in an undo: an insert not made deletes nothing, a
// pre-image or activity time restored equals what is stored.
function applyRoundChunks(
  run: ImportRun,
  toWrite: [number, AnyDecision][],
  size: number,
  touched: Set<string>,
  c: ChunkRun,
): Promise<void> {
  return writeInChunks(
    toWrite,
    size,
    c,
    (rows) =>
      planRoundChunk(
        rows.map(([, d]) => d.input as RoundRowInput),
        touched,
      ),
    writtenAtOnce(c, (rows) => writeRoundChunk(run, rows)),
  );
}

const aheadSet = (ahead: Map<string, JournalEntry[]>) => new Set([...ahead.values()].flat());

// A row written: its journal entries (written ahead: the update's pre-image, or the new firm's id) name a write that
// happened, so an undo in this process includes them.
function settle(c: ChunkRun, [i]: [number, AnyDecision], row: FirmChunkPlan['rows'][number]): void {
  c.ahead.delete(String(row.id));
  c.written.set(i, String(row.id));
}

// Undoes what the journal says was written and records the end: failed (a row could not be written) or interrupted
// (stopped by a shutdown or the loss of the lease: may be applied again). A batch another instance has taken over is
// left to it.
async function stopApply(
  run: ImportRun,
  lease: ImportLease,
  { entries, parts }: { entries: JournalEntry[]; parts: JournalParts },
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
    parts,
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
