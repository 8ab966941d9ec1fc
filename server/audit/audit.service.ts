import type { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { FieldChange } from './audit-diff.js';

export type Actor = { id: string; email: string };

export type AuditRecord = {
  actor: Actor | null;
  entity: 'user' | 'firm' | 'round' | 'investor' | 'person' | 'note' | 'import';
  entityId: Types.ObjectId | string;
  entityLabel?: string;
  action: 'create' | 'update' | 'archive' | 'restore' | 'delete' | 'import' | 'status';
  changes?: FieldChange[];
  version?: number;
  importId?: Types.ObjectId | string;
  firm?: Types.ObjectId | string;
};

export async function recordAudit(entry: AuditRecord): Promise<void> {
  await AuditEntryModel.create({
    at: new Date(),
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
  });
}

// What others changed on a record after the version an editor loaded (for the conflict message).
export async function changesSinceVersion(entityId: string, version: number) {
  return AuditEntryModel.find({ entityId, version: { $gt: version } }, { at: 1, actorEmail: 1, changes: 1, action: 1 })
    .sort({ at: 1 })
    .limit(20)
    .lean();
}
