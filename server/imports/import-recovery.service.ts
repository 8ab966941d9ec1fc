import type { Types } from 'mongoose';
import { ImportBatchModel, ImportLeaseModel } from '../../models/import-batch.model.js';
import { recordAudit, type Actor } from '../audit/index.js';
import type { Logger } from '../lib/logger.js';
import {
  discardJournalParts,
  journalOfLease,
  undoImport,
  type JournalEntry,
  type JournalParts,
} from './import-undo.service.js';
import {
  DEFAULT_LEASE,
  HELD_STATUSES,
  ImportLease,
  isHeld,
  leaseKey,
  type LeaseTiming,
} from './import-lease.service.js';

export type UndoEnd = { status: 'failed' | 'interrupted'; reason?: string; undoComplete: boolean };

// Undoes a batch this process holds in 'undoing' and records how it ended: interrupted (undone, may be applied again)
// or failed (a row could not be written, or the undo could not be completed). The batch keeps the journal it undid;
// the audit log gets the undo's own entries (deletes, restores) and one for the import, as for every end of an import.
export async function undoHeldBatch(args: {
  batchId: Types.ObjectId;
  lease: ImportLease;
  entries: JournalEntry[];
  actor: Actor | null;
  label: string;
  from: string;
  failure?: { reason: string; line?: number };
  // The journal parts the entries came from, discarded once the batch is closed.
  parts?: JournalParts;
}): Promise<UndoEnd> {
  const { batchId, lease, actor } = args;
  const problems = await undoImport(args.entries, batchId, actor);
  const undoComplete = problems.length === 0;
  const status = args.failure || !undoComplete ? 'failed' : 'interrupted';
  const reason =
    status === 'failed'
      ? (args.failure?.reason ?? 'interrupted') + (undoComplete ? '' : ` — undo incomplete: ${problems.join('; ')}`)
      : undefined;
  // Not closed: the lease was lost meanwhile, and the process that took the batch over undoes it again and says so.
  const closed = await lease.close({
    $set: {
      status,
      journal: args.entries,
      undoComplete,
      finishedAt: new Date(),
      ...(reason ? { failure: reason, failureLine: args.failure?.line } : {}),
    },
  });
  if (!closed) return { status, reason, undoComplete: false };
  if (args.parts) await discardJournalParts(args.parts);
  await recordAudit({
    actor,
    entity: 'import',
    entityId: batchId,
    entityLabel: args.label,
    action: 'import',
    importId: batchId,
    changes: [
      { field: 'status', before: args.from, after: status },
      ...(reason ? [{ field: 'failure', before: null, after: reason }] : []),
    ],
  });
  return { status, reason, undoComplete };
}

export type RecoverOptions = {
  // The clock the leases are judged by (tests move it on instead of waiting for a lease to lapse).
  now?: Date;
  // The lease this process holds while it undoes a batch.
  lease?: LeaseTiming;
  // Also look for held batches with no lease at all (left by a version before leases): at start-up. It reads the
  // batches, which FerretDB does by scanning them all, so the periodic check leaves it out.
  orphans?: boolean;
};

// Undoes every batch left applying (or undoing) by a process that stopped renewing its lease: crashed, killed or cut
// off. A batch whose lease still runs is left alone: another instance may be applying it now. Run at start-up and
// periodically; idempotent, and two instances running it at once undo each batch once (see ImportLease.claim).
export async function recoverInterruptedImports(opts: RecoverOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  let recovered = 0;
  for (const lapsed of await ImportLeaseModel.find({ until: { $lt: now } })
    .limit(100)
    .lean()) {
    const batch = await ImportBatchModel.findById(lapsed.batch, { status: 1, claims: 1 }).lean();
    // The batch's current lease (claim number claims - 1) while it is held; any other is left from a claim or a release
    // cut short, and goes.
    const current = batch && isHeld(batch.status) && lapsed._id === leaseKey(batch._id, (batch.claims ?? 0) - 1);
    if (!current) await ImportLeaseModel.deleteOne({ _id: lapsed._id, until: lapsed.until });
    else if (await undoLapsed(batch, lapsed._id, opts.lease)) recovered += 1;
  }
  if (opts.orphans === false) return recovered;
  for (const batch of await ImportBatchModel.find({ status: { $in: HELD_STATUSES } }, { status: 1, claims: 1 })
    .limit(100)
    .lean()) {
    const claims = batch.claims ?? 0;
    if (claims > 0 && (await ImportLeaseModel.exists({ _id: leaseKey(batch._id, claims - 1) }))) continue;
    if (await undoLapsed(batch, undefined, opts.lease)) recovered += 1;
  }
  return recovered;
}

// Takes a batch over from its dead process (a claim like an apply's, so only one instance does) and undoes it.
async function undoLapsed(
  seen: { _id: Types.ObjectId; status: string; claims?: number | null },
  lapsedKey: string | undefined,
  timing = DEFAULT_LEASE,
): Promise<boolean> {
  const lease = await ImportLease.claim(seen, isHeld, timing);
  if (!lease) return false;
  try {
    await ImportBatchModel.updateOne(
      { _id: seen._id },
      { $set: { status: 'undoing', claims: (seen.claims ?? 0) + 1, leaseOwner: lease.owner } },
    );
    if (lapsedKey) await ImportLeaseModel.deleteOne({ _id: lapsedKey });
    lease.start();
    const batch = await ImportBatchModel.findById(seen._id, { kind: 1, filename: 1, journal: 1 }).lean();
    // The dead process's journal, read after its lease is gone (so no part is added after this read is made and
    // followed by a write); a batch with no lease (left by a version before leases) has its journal on the batch.
    const lastLease = lapsedKey ?? (seen.claims ? leaseKey(seen._id, seen.claims - 1) : undefined);
    const stored = lastLease ? await journalOfLease(lastLease) : undefined;
    await undoHeldBatch({
      batchId: seen._id,
      lease,
      entries: [...((batch?.journal ?? []) as JournalEntry[]), ...(stored?.entries ?? [])],
      parts: stored,
      actor: null,
      label: `${batch?.kind} · ${batch?.filename}`,
      from: seen.status,
    });
    return true;
  } finally {
    lease.stop();
  }
}

// In a running app: looks for imports whose process died every `everyMs` (a crashed instance may never restart).
// Errors are logged and the next round tries again; the timer does not keep the process alive. Returns the stop.
export function startImportLeaseWatcher(
  opts: { everyMs?: number; logger?: Pick<Logger, 'warn' | 'error'> } = {},
): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    recoverInterruptedImports({ orphans: false })
      .then((n) => {
        if (n) opts.logger?.warn(`undid ${n} CSV imports whose process stopped midway`);
      })
      .catch((err: unknown) => opts.logger?.error({ err }, 'checking for interrupted CSV imports failed'))
      .finally(() => {
        busy = false;
      });
  }, opts.everyMs ?? 15_000);
  timer.unref();
  return () => clearInterval(timer);
}
