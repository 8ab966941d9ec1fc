import { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { AuditAction } from '../../models/enums.js';
import { storedChange, type FieldChange } from './audit-diff.js';
import {
  appendEntriesToViews,
  appendEntryToViews,
  markViewsCompleteIfLogEmpty,
  viewEntryOf,
} from './audit-views.service.js';
import type { ViewEntry } from './audit-view-keys.js';

const FLAT_BATCH = 5000;
const VIEW_BATCH = 50_000;

export type Actor = { id: string; email: string };

type AuditRecord = {
  actor: Actor | null;
  entity: 'user' | 'firm' | 'round' | 'investor' | 'person' | 'note' | 'import' | 'match' | 'target' | 'api-token';
  entityId: Types.ObjectId | string;
  entityLabel?: string;
  action: AuditAction;
  changes?: FieldChange[];
  version?: number;
  importId?: Types.ObjectId | string;
  firm?: Types.ObjectId | string;
};

function flatEntry(entry: AuditRecord, at: Date) {
  return {
    at,
    actor: entry.actor?.id,
    actorEmail: entry.actor?.email ?? 'system',
    entity: entry.entity,
    entityId: entry.entityId,
    entityLabel: entry.entityLabel,
    action: entry.action,
    changes: entry.changes ?? [],
    version: entry.version,
    importId: entry.importId,
    firm: entry.firm,
  };
}

// The ids and dates cast by the schema; the changes as given (their values are Mixed: castObject would drop a null).
function storedEntry({ changes, ...entry }: ReturnType<typeof flatEntry>): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: new Types.ObjectId() };
  for (const [k, v] of Object.entries(AuditEntryModel.castObject(entry))) if (v !== undefined) doc[k] = v;
  doc.changes = changes.map(storedChange);
  doc.__v = 0;
  return doc;
}

// Appends to the flat log (the record of truth) first, then to the views the pages read (server/audit/audit-views.service.ts):
// if the second step fails, the entry is in the log and rebuildAuditViews() puts it in the views.
export async function recordAudit(entry: AuditRecord, at: Date = new Date()): Promise<void> {
  const doc = await AuditEntryModel.create(flatEntry(entry, at));
  await appendEntryToViews(viewEntryOf(doc.toObject()));
}

// Many entries at once (the demo-data generator, bulk writes), each with its own time (default now): the flat entries
// by insertMany, then the views of up to VIEW_BATCH of them at a time (appendEntriesToViews: its cost grows with the
// buckets and timelines that exist already, so the larger the batch the cheaper each entry). Give it large batches.
export async function appendAuditEntries(entries: (AuditRecord & { at?: Date })[]): Promise<void> {
  if (!entries.length) return;
  await markViewsCompleteIfLogEmpty();
  const now = new Date();
  for (let v = 0; v < entries.length; v += VIEW_BATCH) {
    const views: ViewEntry[] = [];
    for (let i = v; i < Math.min(v + VIEW_BATCH, entries.length); i += FLAT_BATCH) {
      const chunk = entries.slice(i, Math.min(i + FLAT_BATCH, v + VIEW_BATCH, entries.length));
      // Cast to the schema's types (ids, dates) without building a document per entry: constructing and validating
      // a Mongoose document per entry was 6 % of a 5,000-row import's time. The entries are the app's own (typed above,
      // every required field set by flatEntry), and stored as Mongoose stores them (no empty fields, a version key).
      const docs = chunk.map((e) => storedEntry(flatEntry(e, e.at ?? now)));
      await AuditEntryModel.collection.insertMany(docs, { ordered: true });
      for (const d of docs) views.push(viewEntryOf(d));
    }
    await appendEntriesToViews(views);
  }
}

// Who acts, from a signed-in request (every state-changing route requires a user).
export function actorOf(req: { user?: { id: string; email: string } }): Actor {
  return { id: req.user!.id, email: req.user!.email };
}
