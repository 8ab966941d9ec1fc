import type { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { AuditAction } from '../../models/enums.js';
import type { FieldChange } from './audit-diff.js';
import { appendEntriesToViews, appendEntryToViews, viewEntryOf } from './audit-views.service.js';

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

// Many entries at once (the demo-data generator, bulk writes), each with its own time (default now): one insertMany,
// then the views grouped per bucket in one bulkWrite. Give it large batches: the cost grows with the buckets touched.
export async function appendAuditEntries(entries: (AuditRecord & { at?: Date })[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < entries.length; i += 5000) {
    const docs = await AuditEntryModel.insertMany(entries.slice(i, i + 5000).map((e) => flatEntry(e, e.at ?? now)));
    await appendEntriesToViews(docs.map((d) => viewEntryOf(d.toObject())));
  }
}

// Who acts, from a signed-in request (every state-changing route requires a user).
export function actorOf(req: { user?: { id: string; email: string } }): Actor {
  return { id: req.user!.id, email: req.user!.email };
}
