import type { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { AuditAction } from '../../models/enums.js';
import type { FieldChange } from './audit-diff.js';

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

// Who acts, from a signed-in request (every state-changing route requires a user).
export function actorOf(req: { user?: { id: string; email: string } }): Actor {
  return { id: req.user!.id, email: req.user!.email };
}
