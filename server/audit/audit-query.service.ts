import { Types } from 'mongoose';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { FieldChange } from './audit-diff.js';
import { keysetPage, type Page } from '../lib/keyset.js';
import { editConflict, type Editor } from '../lib/edit-conflict.js';

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

export type AuditFilters = {
  entity?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  entityId?: string;
  // Page cursors (server/lib/keyset.ts).
  after?: string;
  before?: string;
};

const AUDIT_PAGE_SIZE = 50;
const SEOUL_OFFSET_MS = 9 * 3600 * 1000; // Asia/Seoul is UTC+9 all year (no DST)

type LeanEntry = {
  _id: Types.ObjectId;
  at: Date;
  actorEmail?: string | null;
  entity: string;
  entityId: Types.ObjectId;
  entityLabel?: string | null;
  action: string;
  changes?: { field: string; before?: unknown; after?: unknown }[] | null;
  version?: number | null;
  firm?: Types.ObjectId | null;
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

// Who saved one record after the given version (oldest first): shown beside an edit form merged after a conflict.
export async function editorsSince(entityId: string, version: number, limit = 20): Promise<Editor[]> {
  if (!Types.ObjectId.isValid(entityId)) return [];
  const rows = await AuditEntryModel.find({ entityId, version: { $gt: version } }, { actorEmail: 1, at: 1 })
    .sort({ at: 1 })
    .limit(limit)
    .lean();
  return rows.map((e) => ({ email: e.actorEmail ?? 'system', at: e.at }));
}

// The edit conflict for a save based on `version` of a record someone has saved since (server/lib/edit-conflict.ts).
export async function editConflictSince(entityId: string, version: number) {
  return editConflict(await editorsSince(entityId, version));
}

// The filter of the log's page: equality on indexed fields, then the time range; the sort is (at, _id), newest first,
// served by {at, _id} or by {entity|actorEmail, at, _id} (models/audit-entry.model.ts).
function auditFilter(f: AuditFilters): Record<string, unknown> {
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
  return and.length ? { $and: and } : {};
}

// The whole log, newest first, keyset-paginated both ways like every list (server/lib/keyset.ts).
export async function browseAudit(f: AuditFilters, pageSize = AUDIT_PAGE_SIZE): Promise<Page<HistoryEntry>> {
  const filter = auditFilter(f);
  const page = await keysetPage<LeanEntry>({
    field: 'at',
    kind: 'date',
    dir: -1,
    after: f.after,
    before: f.before,
    size: pageSize,
    valueOf: (e) => e.at,
    find: (cursor, sort, limit) =>
      AuditEntryModel.find(cursor ? { $and: [filter, cursor] } : filter)
        .sort(sort)
        .limit(limit)
        .lean<LeanEntry[]>(),
  });
  return { ...page, rows: page.rows.map(toHistoryEntry) };
}
