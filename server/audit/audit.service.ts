import type { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { AuditAction } from '../../models/enums.js';
import type { FieldChange } from './audit-diff.js';
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
      const docs = await AuditEntryModel.insertMany(chunk.map((e) => flatEntry(e, e.at ?? now)));
      for (const d of docs) views.push(viewEntryOf(d.toObject()));
    }
    await appendEntriesToViews(views);
  }
}

// Who acts, from a signed-in request (every state-changing route requires a user).
export function actorOf(req: { user?: { id: string; email: string } }): Actor {
  return { id: req.user!.id, email: req.user!.email };
}
