import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { invalidateComputed } from '../../models/computed.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { ImportJournalPartModel } from '../../models/import-batch.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { recordAudit, diffFields, flatten, type Actor } from '../audit/index.js';
import { derivedFirmFields } from '../firms/index.js';
import { recomputeFirmTotals } from '../rounds/index.js';
import { refreshMatchCopies } from '../matches/index.js';
import { valueAt } from '../lib/dotted-path.js';
import { setAndUnset, splitSetUnset } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { ImportLeaseLost, type ImportLease } from './import-lease.service.js';

// The import's undo log. Before an update, the stored values it will change; for a round write, its firm's activity
// time; after an insert, the new id. It must hold everything a crash (kill -9 at any point) leaves behind, so:
// - update and touch entries are written ahead: a chunk of rows is read and its entries stored on the batch before any
//   of those rows is written (one push per chunk: each push rewrites the batch document, rows included, so one push
//   per write would make large files quadratic);
// - inserts are stored with the next chunk, and until then found by the import id every inserted record carries
//   (firms, written in bulk, are given their ids before the chunk and journalled ahead with it).

type JournalEntity = 'firm' | 'round' | 'investor';
export type JournalEntry = {
  op: 'insert' | 'update' | 'touch';
  entity: JournalEntity;
  entityId: Types.ObjectId;
  firm?: Types.ObjectId;
  before?: { path: string; value?: unknown }[];
  doc?: Record<string, unknown>;
};

type Progress = { appliedRows: number; totalRows: number };

export class ImportJournal {
  readonly entries: JournalEntry[] = [];
  private saved = 0;
  private parts = 0;
  // Written under the lease: stored only while it holds the batch.
  constructor(private readonly lease: ImportLease) {}

  // Rows per chunk: 250 (one bulk write and one journal part each), or a twentieth of a larger file.
  static chunkSize(writes: number): number {
    return Math.max(250, Math.ceil(writes / 20));
  }

  // The entries of the next chunk's writes, stored before they happen, with the progress: the rows written so far and
  // the rows to write, stored on the lease (the batch's page shows them).
  async writeAhead(entries: JournalEntry[], progress: Progress): Promise<void> {
    this.entries.push(...entries);
    await this.save(progress);
  }

  // The entries not yet stored go in the next journal part; then the lease is written, which fails once another
  // process has taken the batch over (it removes the lapsed lease before reading the parts): a part stored after that
  // is not read, and no write follows it.
  async save(progress: Progress): Promise<void> {
    const pending = this.entries.slice(this.saved);
    if (pending.length) {
      await ImportJournalPartModel.create({ _id: journalPartId(this.lease.key, this.parts), entries: pending });
      this.parts += 1;
    }
    if (!(await this.lease.updateOwn(progress)))
      throw new ImportLeaseLost('the import was taken over by another process');
    this.saved = this.entries.length;
  }

  // Where its parts are, to discard them once the batch is held no more.
  get stored(): JournalParts {
    return { leaseKey: this.lease.key, parts: this.parts };
  }
}

const journalPartId = (leaseKey: string, n: number) => `${leaseKey}/${n}`;
const PARTS_PER_READ = 20;

// The journal stored under a lease, in order: its parts read by _id until one is missing (they are numbered from 0).
export async function journalOfLease(leaseKey: string): Promise<{ entries: JournalEntry[] } & JournalParts> {
  const entries: JournalEntry[] = [];
  for (let from = 0; ; from += PARTS_PER_READ) {
    const ids = Array.from({ length: PARTS_PER_READ }, (_, i) => journalPartId(leaseKey, from + i));
    const found = new Map(
      (await ImportJournalPartModel.find({ _id: { $in: ids } }).lean()).map((p) => [p._id, p.entries]),
    );
    for (const [i, id] of ids.entries()) {
      const part = found.get(id);
      if (!part) return { entries, leaseKey, parts: from + i };
      entries.push(...(part as JournalEntry[]));
    }
  }
}

export type JournalParts = { leaseKey: string; parts: number };

// Best effort: a part left behind is never read again (a new claim has a new lease id).
export async function discardJournalParts({ leaseKey, parts }: JournalParts): Promise<void> {
  const ids = Array.from({ length: parts }, (_, i) => journalPartId(leaseKey, i));
  try {
    for (let i = 0; i < ids.length; i += 500)
      await ImportJournalPartModel.deleteMany({ _id: { $in: ids.slice(i, i + 500) } });
  } catch {
    // left for good: harmless
  }
}

type Doc = Record<string, unknown>;
type Paths = { path: string; value?: unknown }[];

function setAt(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = doc;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Doc;
  }
  if (value === undefined || value === null) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// The stored values at the paths an update will change: the paths of `next` (flattened) whose stored value differs,
// and the collection's bookkeeping fields, which every update touches (restored so the record is as it was, version
// included).
function preImage(stored: object, next: object, updated: Updated): Paths {
  const changed = Object.entries(flatten(next))
    .filter(([path, value]) => !updated.derived?.has(path) && !same(valueAt(stored, path), value))
    .map(([path]) => path);
  return [...changed, ...updated.bookkeeping].map((path) => ({ path, value: valueAt(stored, path) }));
}

// How an import's update of a firm or an investor is journalled and undone.
type Updated = {
  entity: 'firm' | 'investor';
  bookkeeping: readonly string[];
  // Fields derived from the others: not journalled, recomputed from the restored values.
  derived?: ReadonlySet<string>;
  recompute?: (restored: Doc) => Doc;
  label: (restored: Doc) => string;
};
const UPDATED = {
  firm: {
    entity: 'firm',
    bookkeeping: ['__v', 'updatedAt', 'lastActivityAt'],
    derived: new Set(['sortName', 'sortNameKo', 'searchTokens', 'tips.status']),
    recompute: (restored) => derivedFirmFields(restored),
    label: (restored) => nameIn(restored, 'ko'),
  },
  investor: {
    entity: 'investor',
    bookkeeping: ['__v', 'updatedAt', 'nameKey'],
    label: (restored) => nameIn(restored, 'en'),
  },
} as const satisfies Record<string, Updated>;

const collectionOf = {
  firm: FirmModel.collection,
  investor: InvestorOrgModel.collection,
  round: FundingRoundModel.collection,
};

type StoredDoc = Doc & { _id: Types.ObjectId };

// The stored documents of one kind with the given ids, by id, read with one $in query.
async function storedByIds(
  entity: keyof typeof collectionOf,
  ids: Iterable<string>,
  projection?: Record<string, 1>,
): Promise<Map<string, StoredDoc>> {
  const wanted = [...new Set(ids)].map((id) => new Types.ObjectId(id));
  const docs = wanted.length
    ? await collectionOf[entity].find<StoredDoc>({ _id: { $in: wanted } }, { projection }).toArray()
    : [];
  return new Map(docs.map((d) => [String(d._id), d]));
}

// The pre-images of a chunk's updates of one kind (the stored documents come back too, for the audit entries of the
// bulk write).
export async function preImagesOf(
  entity: 'firm' | 'investor',
  items: readonly { id: string; next: object }[],
): Promise<Map<string, { entry: JournalEntry; version: number; stored: Doc }>> {
  const updated = UPDATED[entity];
  const byId = await storedByIds(
    entity,
    items.map((i) => i.id),
  );
  const out = new Map<string, { entry: JournalEntry; version: number; stored: Doc }>();
  for (const { id, next } of items) {
    const stored = byId.get(id);
    if (!stored) throw new Error(`${entity} ${id} no longer exists`);
    out.set(id, {
      entry: { op: 'update', entity, entityId: stored._id, before: preImage(stored, next, updated) },
      version: Number(stored.__v ?? 0),
      stored,
    });
  }
  return out;
}

// The stored rounds a chunk updates, as journal entries.
export async function roundPreImages(ids: readonly string[]): Promise<Map<string, JournalEntry>> {
  const byId = await storedByIds('round', ids);
  return new Map(
    ids.map((id) => {
      const stored = byId.get(id);
      if (!stored) throw new Error(`round ${id} no longer exists`);
      return [
        id,
        { op: 'update', entity: 'round', entityId: stored._id, firm: stored.firm as Types.ObjectId, doc: stored },
      ];
    }),
  );
}

const TOUCHED = ['lastActivityAt', 'updatedAt'];

// The activity times of the firms a chunk touches first, as journal entries.
export async function firmTouches(firmIds: readonly Types.ObjectId[]): Promise<JournalEntry[]> {
  const byId = await storedByIds('firm', firmIds.map(String), { lastActivityAt: 1, updatedAt: 1 });
  return firmIds.map((firmId) => {
    const stored = byId.get(String(firmId));
    return {
      op: 'touch',
      entity: 'firm',
      entityId: firmId,
      before: TOUCHED.map((path) => ({ path, value: stored ? valueAt(stored, path) : undefined })),
    };
  });
}

// The stored values given by path: empty ones unset (raw driver writes: no timestamps, no casting).
const restoreUpdate = (paths: Paths) =>
  setAndUnset(splitSetUnset(Object.fromEntries(paths.map(({ path, value }) => [path, value]))));

const auditChanges = (current: Doc, restored: Doc, paths: string[]) =>
  diffFields(
    Object.fromEntries(paths.map((p) => [p, valueAt(current, p)])),
    Object.fromEntries(paths.map((p) => [p, valueAt(restored, p)])),
  );

type Undo = { actor: Actor | null; importId: Types.ObjectId };

// Restores the stored values written before the import's update of a firm or an investor (its derived fields
// recomputed from them). Skipped when the version shows the import's write never happened.
async function restoreUpdated(updated: Updated, entry: JournalEntry, u: Undo): Promise<void> {
  const collection = collectionOf[updated.entity];
  const current = await collection.findOne<Doc>({ _id: entry.entityId });
  const before = entry.before ?? [];
  const version = before.find((b) => b.path === '__v')?.value as number | undefined;
  if (!current || Number(current.__v ?? 0) <= Number(version ?? 0)) return;
  const restored = structuredClone(current);
  for (const b of before) setAt(restored, b.path, b.value);
  const derived = Object.entries(updated.recompute?.(restored) ?? {}).map(([path, value]) => ({ path, value }));
  await collection.updateOne({ _id: entry.entityId }, restoreUpdate([...before, ...derived]));
  const paths = before.map((b) => b.path).filter((p) => !updated.bookkeeping.includes(p));
  await recordAudit({
    actor: u.actor,
    entity: updated.entity,
    entityId: entry.entityId,
    firm: updated.entity === 'firm' ? entry.entityId : undefined,
    entityLabel: updated.label(restored),
    action: 'update',
    changes: auditChanges(current, restored, paths),
    version,
    importId: u.importId,
  });
}

const ROUND_OMIT = ['_id', '__v', 'firm', 'createdAt', 'updatedAt', 'importId'];
const roundShape = (r: Doc) => Object.fromEntries(Object.entries(r).filter(([k]) => !ROUND_OMIT.includes(k)));

async function restoreRound(entry: JournalEntry, u: Undo): Promise<void> {
  const current = await FundingRoundModel.collection.findOne<Doc>({ _id: entry.entityId });
  if (!entry.doc) return;
  await FundingRoundModel.collection.replaceOne({ _id: entry.entityId }, entry.doc, { upsert: true });
  const changes = diffFields(roundShape(current ?? {}), roundShape(entry.doc));
  if (changes.length) {
    await recordAudit({
      actor: u.actor,
      entity: 'round',
      entityId: entry.entityId,
      firm: entry.firm,
      entityLabel: String(entry.doc.stage),
      action: 'update',
      changes,
      importId: u.importId,
    });
  }
}

const restore = (entry: JournalEntry, u: Undo) =>
  entry.entity === 'round' ? restoreRound(entry, u) : restoreUpdated(UPDATED[entry.entity], entry, u);

type Inserted = { _id: Types.ObjectId; nameKo?: string; nameEn?: string; stage?: string; firm?: Types.ObjectId };

// Deletes what the import inserted: the journal's ids, and anything else carrying the import's id (a write whose
// service failed after inserting) that is not one of the records it updated.
async function deleteInserted(
  entries: JournalEntry[],
  updatedIds: Types.ObjectId[],
  u: Undo,
): Promise<Types.ObjectId[]> {
  const affectedFirms: Types.ObjectId[] = [];
  for (const entity of ['round', 'firm', 'investor'] as const) {
    const collection = collectionOf[entity];
    const journalled = entries.filter((e) => e.op === 'insert' && e.entity === entity).map((e) => e.entityId);
    const docs = await collection
      .find<Inserted>(
        { $or: [{ _id: { $in: journalled } }, { importId: u.importId, _id: { $nin: updatedIds } }] },
        { projection: { nameKo: 1, nameEn: 1, stage: 1, firm: 1 } },
      )
      .toArray();
    if (!docs.length) continue;
    await collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
    for (const d of docs) {
      if (entity === 'round' && d.firm) affectedFirms.push(d.firm);
      await recordAudit({
        actor: u.actor,
        entity,
        entityId: d._id,
        firm: entity === 'firm' ? d._id : d.firm,
        entityLabel: entity === 'round' ? d.stage : nameIn(d, 'ko'),
        action: 'delete',
        importId: u.importId,
      });
    }
  }
  return affectedFirms;
}

// Puts the database back as it was before the import: updates restored newest first, inserts deleted, then the totals
// of the firms whose rounds changed recomputed and their activity time put back. Every step is tried; the problems
// are returned (an empty list: the undo is complete).
export async function undoImport(
  entries: JournalEntry[],
  importId: Types.ObjectId,
  actor: Actor | null,
): Promise<string[]> {
  const u: Undo = { actor, importId };
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const affectedFirms = new Map<string, Types.ObjectId>();
  for (const entry of [...entries].reverse().filter((e) => e.op === 'update')) {
    if (entry.firm) affectedFirms.set(String(entry.firm), entry.firm);
    await attempt(`restore ${entry.entity} ${entry.entityId}`, () => restore(entry, u));
  }
  const updatedIds = entries.filter((e) => e.op === 'update').map((e) => e.entityId);
  await attempt('delete inserted records', async () => {
    for (const firm of await deleteInserted(entries, updatedIds, u)) affectedFirms.set(String(firm), firm);
  });
  for (const touch of entries.filter((e) => e.op === 'touch'))
    affectedFirms.set(String(touch.entityId), touch.entityId);
  for (const firm of affectedFirms.values()) {
    await attempt(`recompute totals of firm ${firm}`, async () => {
      await recomputeFirmTotals(firm);
      const touch = entries.find((e) => e.op === 'touch' && String(e.entityId) === String(firm));
      if (touch?.before) await FirmModel.collection.updateOne({ _id: firm }, restoreUpdate(touch.before));
    });
  }
  // A restored firm's sector or investor's type is copied onto its matches again.
  await attempt('copy restored sectors and types onto their matches', () =>
    refreshMatchCopies({
      firms: entries.filter((e) => e.op === 'update' && e.entity === 'firm').map((e) => e.entityId),
      investors: entries.filter((e) => e.op === 'update' && e.entity === 'investor').map((e) => e.entityId),
    }),
  );
  // The restores above write the raw collection, which the model's own marking does not see.
  await attempt('mark the figures computed over firms, investors and rounds for a recount', async () => {
    await invalidateComputed('firms');
    await invalidateComputed('firmActivity');
    await invalidateComputed('investors');
    await invalidateComputed('rounds');
  });
  return problems;
}
