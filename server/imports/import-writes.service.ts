import { Types } from 'mongoose';
import type { ImportKind } from '../../models/enums.js';
import { FirmModel } from '../../models/firm.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { Conflict } from '../lib/app-error.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { nextVersion, splitSetUnset } from '../lib/edit-conflict.js';
import { seoulToday } from '../lib/dates.js';
import { nameIn } from '../lib/names.js';
import { appendAuditEntries, diffFields, flatten, type Actor } from '../audit/index.js';
import { toFirmRecord, type CreateFirmInput, type UpdateFirmInput } from '../firms/index.js';
import { toInvestorRecord, writeInvestors, type InvestorWrite } from '../investors/index.js';
import { createRounds, updateRound } from '../rounds/index.js';
import { refreshMatchCopies } from '../matches/index.js';
import type { FirmRowInput } from './firm-rows.js';
import type { InvestorRowInput } from './investor-rows.js';
import type { RoundRowInput } from './round-rows.js';
import { firmTouches, preImagesOf, roundPreImages, type JournalEntry } from './import-undo.service.js';

// An apply writes its rows a chunk at a time, in two steps: plan (read the stored values the writes will change, and
// choose the new records' ids: the journal stores them before any write of the chunk) and write (through the feature
// services, with the import's id). Updates name the version the plan read, so a record edited meanwhile is refused
// rather than overwritten.

export type ImportRun = { kind: ImportKind; importId: Types.ObjectId; label: string; actor: Actor };

// Investor organisations: one $in read of the stored ones the chunk updates (their pre-images and versions), then
// writeInvestors (one insertMany, one bulkWrite, one bulk append of the audit entries).
export type InvestorChunkPlan = { entries: JournalEntry[]; rows: InvestorWrite[] };

export async function planInvestorChunk(rows: readonly InvestorRowInput[]): Promise<InvestorChunkPlan> {
  const images = await preImagesOf(
    'investor',
    rows.flatMap((r) => ('create' in r ? [] : [{ id: r.targetId, next: toInvestorRecord(r.update) }])),
  );
  const planned = rows.map((r): InvestorWrite => {
    if ('create' in r) return { id: new Types.ObjectId(), create: r.create };
    const image = images.get(r.targetId)!; // read above, or preImagesOf threw
    return { id: image.entry.entityId, update: r.update, version: image.version, stored: image.stored };
  });
  const inserts = planned.flatMap((p): JournalEntry[] =>
    'create' in p ? [{ op: 'insert', entity: 'investor', entityId: p.id }] : [],
  );
  return { entries: [...[...images.values()].map((i) => i.entry), ...inserts], rows: planned };
}

export const writeInvestorChunk = ({ actor, importId }: ImportRun, rows: readonly InvestorWrite[]) =>
  writeInvestors(rows, actor, { importId });

// Rounds are written a chunk at a time: the activity time of each firm not yet touched and the pre-image of each
// updated round journalled ahead, with the ids the new rounds will get (an undo after a crash deletes them); then the
// new rounds at once (createRounds: one check of their firms and investors, one insertMany, one bulk append of their
// audit entries) and the updates one by one. Totals and monthly summaries are recomputed once per firm at the end.
export type RoundChunkPlan = { entries: JournalEntry[]; rows: { id: Types.ObjectId; row: RoundRowInput }[] };

export async function planRoundChunk(rows: readonly RoundRowInput[], touched: Set<string>): Promise<RoundChunkPlan> {
  const firstTouched = [...new Set(rows.map((r) => r.firmId))].filter((id) => !touched.has(id));
  firstTouched.forEach((id) => touched.add(id));
  const [touches, images] = await Promise.all([
    firmTouches(firstTouched.map((id) => new Types.ObjectId(id))),
    roundPreImages(rows.flatMap((r) => ('create' in r ? [] : [r.roundId]))),
  ]);
  const entries: JournalEntry[] = [...touches];
  const planned: RoundChunkPlan['rows'] = rows.map((row) => {
    if ('create' in row) {
      const id = new Types.ObjectId();
      entries.push({ op: 'insert', entity: 'round', entityId: id, firm: new Types.ObjectId(row.firmId) });
      return { id, row };
    }
    entries.push(images.get(row.roundId)!); // read above, or roundPreImages threw
    return { id: new Types.ObjectId(row.roundId), row };
  });
  return { entries, rows: planned };
}

export async function writeRoundChunk({ actor, importId }: ImportRun, rows: RoundChunkPlan['rows']): Promise<void> {
  await createRounds(
    rows.flatMap(({ id, row }) => ('create' in row ? [{ id, firmId: row.firmId, input: row.create }] : [])),
    actor,
    { importId },
  );
  for (const { row } of rows)
    if (!('create' in row))
      await updateRound(row.firmId, row.roundId, row.update, actor, { importId, totalsLater: true });
}

// Firms are written a chunk at a time: one $in read of the stored firms the chunk updates (their pre-images and
// versions, journalled ahead with the ids the new firms will get), one insertMany, one bulkWrite of the updates and
// one bulk append of their audit entries. Each update is addressed by _id alone (see writeFirmChunk) and checked after
// the write: a firm not now at the version read + 1 fails the chunk (undone like any failed write). The monthly
// report summaries of the firms written are refreshed once at the end of the apply (refreshReportMonthsOf).
export type FirmChunkRow = { line: number; input: FirmRowInput };
export type FirmChunkPlan = {
  entries: JournalEntry[];
  // Per row: the id the new firm gets, or the stored firm with the version read.
  rows: { id: Types.ObjectId; create?: CreateFirmInput; update?: UpdateFirmInput; version?: number; stored?: Doc }[];
};
type Doc = Record<string, unknown>;

// Fields that are derived or internal: not shown as changes in the audit log (as the firms service does).
const HIDDEN = new Set(['sortName', 'sortNameKo', 'searchTokens', 'tips.status']);
const visibleChanges = (before: Doc, after: Doc) => diffFields(before, after).filter((c) => !HIDDEN.has(c.field));

function pick(doc: Doc, shape: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(shape)) {
    const stored = doc[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && !('toHexString' in v)
        ? pick((stored ?? {}) as Doc, v as Doc)
        : stored;
  }
  return out;
}

export async function planFirmChunk(rows: readonly FirmChunkRow[]): Promise<FirmChunkPlan> {
  const updates = rows.flatMap(({ input }) =>
    'create' in input ? [] : [{ id: input.targetId, next: toFirmRecord(input.update) }],
  );
  const images = await preImagesOf('firm', updates);
  const planned: FirmChunkPlan['rows'] = rows.map(({ input }) => {
    if ('create' in input) return { id: new Types.ObjectId(), create: input.create };
    const image = images.get(input.targetId)!; // read above, or preImagesOf threw
    return { id: image.entry.entityId, update: input.update, version: image.version, stored: image.stored };
  });
  // The new firms' ids go into the journal before they are inserted: an undo after a crash deletes them.
  const inserts: JournalEntry[] = planned
    .filter((p) => p.create)
    .map((p) => ({ op: 'insert', entity: 'firm', entityId: p.id }));
  return { entries: [...[...images.values()].map((i) => i.entry), ...inserts], rows: planned };
}

export async function writeFirmChunk({ actor, importId }: ImportRun, plan: FirmChunkPlan): Promise<Set<number>> {
  const now = new Date();
  const today = seoulToday(now);
  type AuditInput = Parameters<typeof appendAuditEntries>[0][number];
  const audits = new Map<number, AuditInput>();
  const firmEntry = (
    id: Types.ObjectId,
    record: ReturnType<typeof toFirmRecord>,
    action: 'create' | 'update',
    changes: AuditInput['changes'],
    version: number,
  ): AuditInput => ({
    actor,
    entity: 'firm',
    entityId: id,
    firm: id,
    entityLabel: nameIn(record, 'ko'),
    action,
    changes,
    version,
    importId,
  });
  const docs = plan.rows.flatMap(({ id, create }, j) => {
    if (!create) return [];
    const { status, _csrf, ...fields } = create;
    const record = toFirmRecord(fields);
    const history = [{ status: 'applicant' as FirmStatus, on: today, at: now, by: actor?.id, byEmail: actor?.email }];
    if (status !== 'applicant') history.push({ status, on: today, at: now, by: actor?.id, byEmail: actor?.email });
    audits.set(j, firmEntry(id, record, 'create', visibleChanges({}, flatten({ ...record, status })), 0));
    return [{ _id: id, ...record, status, statusHistory: history, lastActivityAt: now, importId }];
  });
  const updates = plan.rows.flatMap(({ id, update, version, stored }, j) => {
    if (!update) return [];
    const { _version, _csrf, _base, ...fields } = update;
    const record = toFirmRecord(fields);
    const before = pick(stored ?? {}, record);
    const changes = visibleChanges(flatten(before), flatten(record));
    audits.set(j, firmEntry(id, record, 'update', changes, (version ?? 0) + 1));
    const { $set, $unset } = splitSetUnset(record);
    return [
      {
        updateOne: {
          // By _id alone: FerretDB finds a document by its _id only when the filter is nothing else (with __v added
          // it reads the whole collection, per update). The version is checked after the write (below).
          filter: { _id: id },
          update: nextVersion({ ...$set, lastActivityAt: now }, $unset),
        },
      },
    ];
  });
  // The rows in order: inserts first (one insertMany), then updates (one bulkWrite); on a failure, which were written.
  const order = [
    ...plan.rows.flatMap((r, j) => (r.create ? [j] : [])),
    ...plan.rows.flatMap((r, j) => (r.update ? [j] : [])),
  ];
  const written = new Set<number>();
  // The audit entries of the rows written, in row order (also when the chunk failed partway).
  const audit = () =>
    appendAuditEntries(plan.rows.flatMap((_, j) => (written.has(j) && audits.has(j) ? [audits.get(j)!] : [])));
  try {
    if (docs.length) await FirmModel.insertMany(docs, { ordered: true });
    order.slice(0, docs.length).forEach((j) => written.add(j));
    if (updates.length) {
      await FirmModel.bulkWrite(updates, { ordered: true });
      // Optimistic concurrency: each firm must now be at the version read + 1 and carry this write's activity time;
      // a firm edited by someone else since the read is reported as changed (the chunk fails and is undone).
      const updated = plan.rows.filter((r) => r.update);
      const after = await FirmModel.find(
        { _id: { $in: updated.map((r) => r.id) } },
        { __v: 1, lastActivityAt: 1 },
      ).lean();
      const ok = new Set(
        after
          .filter((f) => {
            const row = updated.find((r) => String(r.id) === String(f._id));
            return row && f.__v === (row.version ?? 0) + 1 && f.lastActivityAt?.getTime() === now.getTime();
          })
          .map((f) => String(f._id)),
      );
      if (ok.size < updates.length) {
        const failed = order.slice(docs.length).find((j) => !ok.has(String(plan.rows[j]!.id)));
        order.slice(docs.length).forEach((j) => ok.has(String(plan.rows[j]!.id)) && written.add(j));
        await audit();
        throw new FirmChunkFailure(Conflict('firm edited by someone else meanwhile'), written, failed);
      }
    }
    order.forEach((j) => written.add(j));
  } catch (err) {
    if (err instanceof FirmChunkFailure) throw err;
    // An ordered bulk write stops at its first error: the ones before it were written.
    const index =
      (err as { writeErrors?: { index?: number }[] }).writeErrors?.[0]?.index ?? (err as { index?: number }).index;
    const offset = written.size;
    if (index !== undefined) order.slice(offset, offset + index).forEach((j) => written.add(j));
    const failedRow = index !== undefined ? order[offset + index] : undefined;
    const cause = isDuplicateKey(err)
      ? Conflict('duplicate registration number', { brn: ['firms.errors.brnTaken'] })
      : err;
    await audit();
    throw new FirmChunkFailure(cause, written, failedRow);
  }
  await audit();
  await refreshMatchCopies({ firms: plan.rows.flatMap((r) => (r.update ? [r.id] : [])) });
  return written;
}

// A chunk that failed partway: the rows (indexes in the chunk) written before the failure and the one that failed.
export class FirmChunkFailure extends Error {
  override name = 'FirmChunkFailure';
  constructor(
    override readonly cause: unknown,
    readonly written: ReadonlySet<number>,
    readonly failedRow?: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
