import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { recordAudit, diffFields, flatten, type Actor } from '../audit/index.js';
import { derivedFirmFields, displayName } from '../firms/firm-rules.js';
import { recomputeFirmTotals } from '../rounds/rounds.service.js';
import { ImportLeaseLost, type ImportLease } from './import-lease.js';

// The import's undo log. Before an update, the stored values it will change; for a round write, its firm's activity
// time; after an insert, the new id. It must hold everything a crash (kill -9 at any point) leaves behind, so:
// - update and touch entries are written ahead: a chunk of rows is read and its entries stored on the batch before any
//   of those rows is written (one push per chunk: each push rewrites the batch document, rows included, so one push
//   per write would make large files quadratic);
// - inserts are stored with the next chunk, and until then found by the import id every inserted record carries.

export type JournalEntity = 'firm' | 'round' | 'investor';
export type JournalEntry = {
  op: 'insert' | 'update' | 'touch';
  entity: JournalEntity;
  entityId: Types.ObjectId;
  firm?: Types.ObjectId;
  before?: { path: string; value?: unknown }[];
  doc?: Record<string, unknown>;
};

export class ImportJournal {
  readonly entries: JournalEntry[] = [];
  private saved = 0;
  // Pushes go through the lease: only while it holds the batch.
  constructor(private readonly lease: ImportLease) {}

  // Rows per chunk: about twenty pushes per import whatever its size, chunks of 25 rows at least.
  static chunkSize(writes: number): number {
    return Math.max(25, Math.ceil(writes / 20));
  }

  // An insert, known once written: kept until the next push.
  record(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  // The entries of the next chunk's writes, stored (with the inserts recorded since the last push) before they happen.
  async writeAhead(entries: JournalEntry[]): Promise<void> {
    this.entries.push(...entries);
    await this.save();
  }

  async save(): Promise<void> {
    const pending = this.entries.slice(this.saved);
    if (!pending.length) return;
    if (!(await this.lease.update({ $push: { journal: { $each: pending } } }))) throw new ImportLeaseLost('the import was taken over by another process');
    this.saved = this.entries.length;
  }
}

type Doc = Record<string, unknown>;

export function valueAt(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Doc)[k] : undefined), doc);
}

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

// Fields an update always touches besides the ones it sets (restored so the record is as it was, version included).
const BOOKKEEPING = ['__v', 'updatedAt', 'lastActivityAt'];
const FIRM_DERIVED = new Set(['sortName', 'sortNameKo', 'searchTokens', 'tips.status']);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// The stored values at the paths an update will change: the paths of `next` (flattened) whose stored value differs.
export function preImage(stored: Doc, next: Doc, opts: { skip?: ReadonlySet<string>; bookkeeping?: readonly string[] } = {}): { path: string; value?: unknown }[] {
  const changed = Object.entries(flatten(next))
    .filter(([path, value]) => !opts.skip?.has(path) && !same(valueAt(stored, path), value))
    .map(([path]) => path);
  return [...changed, ...(opts.bookkeeping ?? BOOKKEEPING)].map((path) => ({ path, value: valueAt(stored, path) }));
}

export async function firmPreImage(firmId: string, nextRecord: Doc): Promise<{ entry: JournalEntry; version: number }> {
  const stored = await FirmModel.findById(firmId).lean();
  if (!stored) throw new Error(`firm ${firmId} no longer exists`);
  const before = preImage(stored as unknown as Doc, nextRecord, { skip: FIRM_DERIVED });
  return { entry: { op: 'update', entity: 'firm', entityId: stored._id, before }, version: stored.__v ?? 0 };
}

export async function investorPreImage(id: string, next: Doc): Promise<{ entry: JournalEntry; version: number }> {
  const stored = await InvestorOrgModel.findById(id).lean();
  if (!stored) throw new Error(`investor ${id} no longer exists`);
  const before = preImage(stored as unknown as Doc, next, { bookkeeping: ['__v', 'updatedAt', 'nameKey'] });
  return { entry: { op: 'update', entity: 'investor', entityId: stored._id, before }, version: stored.__v ?? 0 };
}

export async function roundPreImage(id: string): Promise<JournalEntry> {
  const stored = await FundingRoundModel.findById(id).lean();
  if (!stored) throw new Error(`round ${id} no longer exists`);
  return { op: 'update', entity: 'round', entityId: stored._id, firm: stored.firm, doc: stored as unknown as Doc };
}

export async function firmTouch(firmId: Types.ObjectId): Promise<JournalEntry> {
  const stored = await FirmModel.findById(firmId, { lastActivityAt: 1, updatedAt: 1 }).lean();
  return { op: 'touch', entity: 'firm', entityId: firmId, before: ['lastActivityAt', 'updatedAt'].map((path) => ({ path, value: stored ? valueAt(stored as unknown as Doc, path) : undefined })) };
}

function setUnset(before: { path: string; value?: unknown }[]): { $set: Doc; $unset: Record<string, 1> } {
  const $set: Doc = {};
  const $unset: Record<string, 1> = {};
  for (const { path, value } of before) {
    if (value === undefined || value === null) $unset[path] = 1;
    else $set[path] = value;
  }
  return { $set, $unset };
}

const auditChanges = (current: Doc, restored: Doc, paths: string[]) =>
  diffFields(Object.fromEntries(paths.map((p) => [p, valueAt(current, p)])), Object.fromEntries(paths.map((p) => [p, valueAt(restored, p)])));

type Undo = { actor: Actor | null; importId: Types.ObjectId };

// Restores the stored values written before the import's update (raw driver writes: no timestamps, no casting).
// Skipped when the version shows the import's write never happened.
async function restoreFirm(entry: JournalEntry, u: Undo): Promise<void> {
  const current = (await FirmModel.findById(entry.entityId).lean()) as unknown as Doc | null;
  const before = entry.before ?? [];
  const version = before.find((b) => b.path === '__v')?.value as number | undefined;
  if (!current || Number(current.__v ?? 0) <= Number(version ?? 0)) return;
  const restored = structuredClone(current);
  for (const b of before) setAt(restored, b.path, b.value);
  const derived = Object.entries(derivedFirmFields(restored as Parameters<typeof derivedFirmFields>[0])).map(([path, value]) => ({ path, value }));
  const { $set, $unset } = setUnset([...before, ...derived]);
  await FirmModel.collection.updateOne({ _id: entry.entityId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) });
  const paths = before.map((b) => b.path).filter((p) => !BOOKKEEPING.includes(p));
  await recordAudit({
    actor: u.actor, entity: 'firm', entityId: entry.entityId, firm: entry.entityId, entityLabel: displayName(restored as { nameKo?: string; nameEn?: string }),
    action: 'update', changes: auditChanges(current, restored, paths), version: version, importId: u.importId,
  });
}

async function restoreInvestor(entry: JournalEntry, u: Undo): Promise<void> {
  const current = (await InvestorOrgModel.findById(entry.entityId).lean()) as unknown as Doc | null;
  const before = entry.before ?? [];
  const version = before.find((b) => b.path === '__v')?.value as number | undefined;
  if (!current || Number(current.__v ?? 0) <= Number(version ?? 0)) return;
  const { $set, $unset } = setUnset(before);
  await InvestorOrgModel.collection.updateOne({ _id: entry.entityId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) });
  const restored = structuredClone(current);
  for (const b of before) setAt(restored, b.path, b.value);
  const paths = before.map((b) => b.path).filter((p) => !['__v', 'updatedAt', 'nameKey'].includes(p));
  await recordAudit({
    actor: u.actor, entity: 'investor', entityId: entry.entityId, entityLabel: String(restored.nameEn || restored.nameKo || ''),
    action: 'update', changes: auditChanges(current, restored, paths), version, importId: u.importId,
  });
}

const ROUND_OMIT = ['_id', '__v', 'firm', 'createdAt', 'updatedAt', 'importId'];
const roundShape = (r: Doc) => Object.fromEntries(Object.entries(r).filter(([k]) => !ROUND_OMIT.includes(k)));

async function restoreRound(entry: JournalEntry, u: Undo): Promise<void> {
  const current = (await FundingRoundModel.findById(entry.entityId).lean()) as unknown as Doc | null;
  if (!entry.doc) return;
  await FundingRoundModel.collection.replaceOne({ _id: entry.entityId }, entry.doc, { upsert: true });
  const changes = diffFields(roundShape(current ?? {}), roundShape(entry.doc));
  if (changes.length) {
    await recordAudit({ actor: u.actor, entity: 'round', entityId: entry.entityId, firm: entry.firm, entityLabel: String(entry.doc.stage), action: 'update', changes, importId: u.importId });
  }
}

// Deletes what the import inserted: the journal's ids, and anything else carrying the import's id (a write whose
// service failed after inserting) that is not one of the records it updated.
async function deleteInserted(entries: JournalEntry[], updatedIds: Types.ObjectId[], u: Undo): Promise<Types.ObjectId[]> {
  const affectedFirms: Types.ObjectId[] = [];
  const models = { firm: FirmModel, round: FundingRoundModel, investor: InvestorOrgModel } as const;
  for (const entity of ['round', 'firm', 'investor'] as const) {
    const model = models[entity] as unknown as typeof FirmModel;
    const journalled = entries.filter((e) => e.op === 'insert' && e.entity === entity).map((e) => e.entityId);
    const docs = await model
      .find({ $or: [{ _id: { $in: journalled } }, { importId: u.importId, _id: { $nin: updatedIds } }] }, { nameKo: 1, nameEn: 1, stage: 1, firm: 1 })
      .lean();
    if (!docs.length) continue;
    await model.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
    for (const d of docs as unknown as { _id: Types.ObjectId; nameKo?: string; nameEn?: string; stage?: string; firm?: Types.ObjectId }[]) {
      if (entity === 'round' && d.firm) affectedFirms.push(d.firm);
      await recordAudit({
        actor: u.actor, entity, entityId: d._id, firm: entity === 'firm' ? d._id : d.firm,
        entityLabel: entity === 'round' ? d.stage : displayName(d), action: 'delete', importId: u.importId,
      });
    }
  }
  return affectedFirms;
}

// Puts the database back as it was before the import: updates restored newest first, inserts deleted, then the totals
// of the firms whose rounds changed recomputed and their activity time put back. Every step is tried; the problems
// are returned (an empty list: the undo is complete).
export async function undoImport(entries: JournalEntry[], importId: Types.ObjectId, actor: Actor | null): Promise<string[]> {
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
    const restore = entry.entity === 'firm' ? restoreFirm : entry.entity === 'investor' ? restoreInvestor : restoreRound;
    await attempt(`restore ${entry.entity} ${entry.entityId}`, () => restore(entry, u));
  }
  const updatedIds = entries.filter((e) => e.op === 'update').map((e) => e.entityId);
  await attempt('delete inserted records', async () => {
    for (const firm of await deleteInserted(entries, updatedIds, u)) affectedFirms.set(String(firm), firm);
  });
  for (const touch of entries.filter((e) => e.op === 'touch')) affectedFirms.set(String(touch.entityId), touch.entityId);
  for (const firm of affectedFirms.values()) {
    await attempt(`recompute totals of firm ${firm}`, async () => {
      await recomputeFirmTotals(firm);
      const touch = entries.find((e) => e.op === 'touch' && String(e.entityId) === String(firm));
      if (touch?.before) {
        const { $set, $unset } = setUnset(touch.before);
        await FirmModel.collection.updateOne({ _id: firm }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) });
      }
    });
  }
  return problems;
}

export const asObjectId = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);
