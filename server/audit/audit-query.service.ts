import { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { FieldChange } from './audit-diff.js';

// Read side of the audit log. The log is append-only: nothing here (or anywhere in the app) updates or deletes entries.

export type HistoryEntry = {
  _id: string;
  at: Date;
  actorEmail: string;
  entity: string;
  entityId: string;
  entityLabel?: string;
  action: string;
  changes: FieldChange[];
  version?: number;
  firm?: string;
};

export type AuditCursor = { at: Date; id: string };

export type AuditFilters = {
  entity?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  entityId?: string;
  after?: AuditCursor;
};

export const AUDIT_PAGE_SIZE = 50;
const SEOUL_OFFSET_MS = 9 * 3600 * 1000; // Asia/Seoul is UTC+9 all year (no DST)

type LeanEntry = {
  _id: unknown;
  at: Date;
  actorEmail?: string | null;
  entity: string;
  entityId: unknown;
  entityLabel?: string | null;
  action: string;
  changes?: { field: string; before?: unknown; after?: unknown }[] | null;
  version?: number | null;
  firm?: unknown;
};

function toHistoryEntry(e: LeanEntry): HistoryEntry {
  return {
    _id: String(e._id),
    at: e.at,
    actorEmail: e.actorEmail ?? 'system',
    entity: e.entity,
    entityId: String(e.entityId),
    entityLabel: e.entityLabel ?? undefined,
    action: e.action,
    changes: (e.changes ?? []).map((c) => ({ field: c.field, before: c.before ?? null, after: c.after ?? null })),
    version: e.version ?? undefined,
    firm: e.firm ? String(e.firm) : undefined,
  };
}

// The first instant of a Seoul calendar day (YYYY-MM-DD) as a UTC Date.
export function seoulDayStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - SEOUL_OFFSET_MS);
}

// The first instant after a Seoul calendar day: "to" dates are inclusive.
export function seoulDayEnd(day: string): Date {
  return new Date(seoulDayStart(day).getTime() + 24 * 3600 * 1000);
}

// One record's history, newest first (served by the {entityId, at} index).
export async function historyOf(entityId: string, limit = 50): Promise<HistoryEntry[]> {
  if (!Types.ObjectId.isValid(entityId)) return [];
  const rows = await AuditEntryModel.find({ entityId }).sort({ at: -1 }).limit(limit).lean<LeanEntry[]>();
  return rows.map(toHistoryEntry);
}

// A firm's history: its own entries and those of its rounds, people and notes (entries tagged with `firm`), newest first.
// Each branch of the $or has its own {…, at} index, so MongoDB merges two index scans already in order.
export async function historyOfFirm(firmId: string, limit = 100): Promise<HistoryEntry[]> {
  if (!Types.ObjectId.isValid(firmId)) return [];
  const rows = await AuditEntryModel.find({ $or: [{ firm: firmId }, { entityId: firmId }] })
    .sort({ at: -1 })
    .limit(limit)
    .lean<LeanEntry[]>();
  return rows.map(toHistoryEntry);
}

// Entries of one record written after the given version, oldest first: what others saved since a form was loaded.
export async function changesSince(entityId: string, version: number, limit = 50): Promise<HistoryEntry[]> {
  if (!Types.ObjectId.isValid(entityId)) return [];
  const rows = await AuditEntryModel.find({ entityId, version: { $gt: version } }).sort({ at: 1 }).limit(limit).lean<LeanEntry[]>();
  return rows.map(toHistoryEntry);
}

// The whole log, newest first, keyset-paginated on (at desc, _id desc).
export async function browseAudit(f: AuditFilters, pageSize = AUDIT_PAGE_SIZE): Promise<{ entries: HistoryEntry[]; next?: AuditCursor }> {
  const and: Record<string, unknown>[] = [];
  if (f.entity) and.push({ entity: f.entity });
  if (f.action) and.push({ action: f.action });
  if (f.actor) and.push({ actorEmail: f.actor });
  if (f.entityId) and.push({ entityId: f.entityId });
  if (f.from || f.to) {
    const at: Record<string, Date> = {};
    if (f.from) at.$gte = seoulDayStart(f.from);
    if (f.to) at.$lt = seoulDayEnd(f.to);
    and.push({ at });
  }
  if (f.after) and.push({ $or: [{ at: { $lt: f.after.at } }, { at: f.after.at, _id: { $lt: f.after.id } }] });
  const rows = await AuditEntryModel.find(and.length ? { $and: and } : {})
    .sort({ at: -1, _id: -1 })
    .limit(pageSize + 1)
    .lean<LeanEntry[]>();
  const entries = rows.slice(0, pageSize).map(toHistoryEntry);
  const last = entries[entries.length - 1];
  return { entries, next: rows.length > pageSize && last ? { at: last.at, id: last._id } : undefined };
}
