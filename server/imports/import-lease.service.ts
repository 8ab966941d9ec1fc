import { randomUUID } from 'node:crypto';
import type { Types, UpdateQuery } from 'mongoose';
import { ImportBatchModel, ImportLeaseModel } from '../../models/import-batch.model.js';
import { isDuplicateKey } from '../db/db-errors.js';

// A process applying or undoing an import holds the batch under a lease (an ImportLease document) that it renews every
// few seconds. A crash (kill -9, power loss) stops the renewals; once the lease has lapsed any instance may take the
// batch over and undo it. The holder stops writing a third of a lease before its lease could lapse, so a write still
// in flight lands before another process may take over (and the processes' clocks may differ by a few seconds).

export type LeaseTiming = { leaseMs: number; renewEveryMs: number };
export const DEFAULT_LEASE: LeaseTiming = { leaseMs: 30_000, renewEveryMs: 5_000 };

// The statuses in which a process holds the batch.
export const HELD_STATUSES = ['applying', 'undoing'] as const;
export const isHeld = (status: string) => (HELD_STATUSES as readonly string[]).includes(status);

export const leaseKey = (batchId: Types.ObjectId | string, claim: number) => `${String(batchId)}:${claim}`;

// A held batch as its page shows it: the rows written so far come from its current lease (stored with each chunk).
export async function withProgress<B extends { _id: Types.ObjectId; status: string; claims?: number | null }>(
  batch: B,
): Promise<B & { appliedRows?: number | null }> {
  if (!isHeld(batch.status)) return batch;
  const lease = await ImportLeaseModel.findById(leaseKey(batch._id, (batch.claims ?? 0) - 1), {
    appliedRows: 1,
  }).lean();
  return typeof lease?.appliedRows === 'number' ? { ...batch, appliedRows: lease.appliedRows } : batch;
}

export class ImportLeaseLost extends Error {
  override name = 'ImportLeaseLost';
}

type SeenBatch = { _id: Types.ObjectId; status: string; claims?: number | null };

export class ImportLease {
  readonly owner = randomUUID();
  // Until when this process knows the lease holds (its clock, counted from before the write that set it was sent).
  private heldUntil = 0;
  private lostWith?: ImportLeaseLost;
  private timer?: NodeJS.Timeout;
  private renewing = false;

  private constructor(
    readonly batchId: Types.ObjectId,
    readonly key: string,
    readonly timing: LeaseTiming,
    private readonly onLost: (err: ImportLeaseLost) => void,
  ) {}

  // Claims a batch seen in some state: inserts lease number `claims` (of two processes only one can), then checks the
  // batch is still in a state `accepts` with that count (a slow process may have seen it before another applied it).
  // The caller then writes the batch: its new status, `claims` + 1 and this lease's owner.
  static async claim(
    seen: SeenBatch,
    accepts: (status: string) => boolean,
    timing: LeaseTiming = DEFAULT_LEASE,
    onLost: (err: ImportLeaseLost) => void = () => undefined,
  ): Promise<ImportLease | undefined> {
    const claims = seen.claims ?? 0;
    const lease = new ImportLease(seen._id, leaseKey(seen._id, claims), timing, onLost);
    const sent = Date.now();
    try {
      await ImportLeaseModel.create({
        _id: lease.key,
        batch: seen._id,
        owner: lease.owner,
        until: new Date(sent + timing.leaseMs),
      });
    } catch (err) {
      if (isDuplicateKey(err)) return undefined;
      throw err;
    }
    lease.heldUntil = sent + timing.leaseMs;
    const now = await ImportBatchModel.findById(seen._id, { status: 1, claims: 1 }).lean();
    if (!now || (now.claims ?? 0) !== claims || !accepts(now.status)) {
      await ImportLeaseModel.deleteOne({ _id: lease.key, owner: lease.owner });
      return undefined;
    }
    return lease;
  }

  start(): void {
    this.timer = setInterval(() => void this.renew(), this.timing.renewEveryMs);
    this.timer.unref();
  }

  // Stops renewing. A lease not closed is left to lapse: then recovery undoes the batch.
  stop(): void {
    clearInterval(this.timer);
  }

  // An update of the batch while this lease holds it: false when it no longer does.
  async update(update: UpdateQuery<unknown>): Promise<boolean> {
    const res = await ImportBatchModel.updateOne(
      { _id: this.batchId, leaseOwner: this.owner, status: { $in: HELD_STATUSES } },
      update,
    );
    return res.matchedCount > 0;
  }

  // A write to this lease's own document (the apply's progress), only while it holds: false once another process has
  // taken the batch over (it deletes the lapsed lease first).
  async updateOwn(set: Record<string, unknown>): Promise<boolean> {
    const res = await ImportLeaseModel.updateOne({ _id: this.key, owner: this.owner }, { $set: set });
    return res.matchedCount > 0;
  }

  // The last update of the hold (applied, undone, or back to previewed): the batch is no longer held, the lease goes.
  async close(update: UpdateQuery<unknown>): Promise<boolean> {
    const closed = await this.update({ ...update, $unset: { ...(update.$unset as object), leaseOwner: 1 } });
    this.stop();
    // A lease left behind (the delete failed) is removed by recovery once lapsed: its batch is no longer held.
    if (closed) await ImportLeaseModel.deleteOne({ _id: this.key, owner: this.owner }).catch(() => undefined);
    return closed;
  }

  // A renewal that finds the lease gone means another process took the batch over: stop at once. One that fails
  // (database unreachable) is retried on the next tick, until the lease is too near its end.
  async renew(): Promise<void> {
    if (!this.stillSafe() || this.renewing) return;
    this.renewing = true;
    const sent = Date.now();
    try {
      const res = await ImportLeaseModel.updateOne(
        { _id: this.key, owner: this.owner },
        { $set: { until: new Date(sent + this.timing.leaseMs) } },
      );
      if (res.matchedCount) this.heldUntil = Math.max(this.heldUntil, sent + this.timing.leaseMs);
      else this.lose('the import was taken over by another process');
    } catch {
      // retried on the next tick
    } finally {
      this.renewing = false;
    }
  }

  // Before each write of the import.
  assertHeld(): void {
    this.stillSafe();
    if (this.lostWith) throw this.lostWith;
  }

  private stillSafe(): boolean {
    if (!this.lostWith && Date.now() > this.heldUntil - this.timing.leaseMs / 3)
      this.lose('the import lease could not be renewed in time');
    return !this.lostWith;
  }

  private lose(message: string): void {
    if (this.lostWith) return;
    this.lostWith = new ImportLeaseLost(message);
    this.stop();
    this.onLost(this.lostWith);
  }
}
