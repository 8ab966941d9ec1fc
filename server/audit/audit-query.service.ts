import { Types } from 'mongoose';
import type { FieldChange } from './audit-diff.js';
import { editConflict, type Editor } from '../lib/edit-conflict.js';
import {
  AUDIT_SUBSET_SIZE,
  dayBucketId,
  seoulDayEnd,
  seoulDayOf,
  seoulDayStart,
  seoulMonthEnd,
  seoulMonthStart,
  subjectBucketId,
  uniqueNewestFirst,
  type ViewEntry,
} from './audit-view-keys.js';
import { bucketPage, subsetPage, type BucketPage, type UnitSource } from './bucket-pager.js';
import { readBuckets, readDayCounts, readLatest, readTimeline, readYears } from './audit-views.service.js';

// Read side of the audit log. Every read here is by `_id`: a record's page reads its timeline document (subset pattern),
// the log and a record's full history read bucket documents (bucket pattern); nothing filters the flat log per request
// (FerretDB v1 would read all of it). The log is append-only: nothing here (or anywhere in the app) updates entries.

export { seoulDayStart, seoulDayEnd };

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
// A page of the log reads at most this many days (a record's history: months) before it shows what it found.
const LOG_MAX_DAYS = 31;
const HISTORY_MAX_MONTHS = 24;

function toHistoryEntry(e: ViewEntry): HistoryEntry {
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

const isId = (id: string) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id);
const subjectOf = (id: string) => id.toLowerCase();

// One record's latest entries, newest first, from its timeline document (at most AUDIT_SUBSET_SIZE).
export async function historyOf(entityId: string, limit = AUDIT_SUBSET_SIZE): Promise<HistoryEntry[]> {
  if (!isId(entityId)) return [];
  const timeline = await readTimeline(subjectOf(entityId));
  const own = (timeline?.entries ?? []).filter((e) => String(e.entityId) === subjectOf(entityId));
  return uniqueNewestFirst(own).slice(0, limit).map(toHistoryEntry);
}

// A firm's latest entries: its own and those of its rounds, people and notes (entries tagged with `firm`), newest first.
export async function historyOfFirm(firmId: string, limit = AUDIT_SUBSET_SIZE): Promise<HistoryEntry[]> {
  if (!isId(firmId)) return [];
  const timeline = await readTimeline(subjectOf(firmId));
  return uniqueNewestFirst(timeline?.entries ?? [])
    .slice(0, Math.min(limit, AUDIT_SUBSET_SIZE))
    .map(toHistoryEntry);
}

// The months of one record's history (its timeline's running counts), as units of the pager.
async function subjectSource(subject: string): Promise<UnitSource<ViewEntry>> {
  const counts = (await readTimeline(subject))?.count ?? {};
  const months = Object.keys(counts)
    .filter((m) => (counts[m] ?? 0) > 0)
    .sort();
  return {
    unitOf: (at) => seoulDayOf(at).slice(0, 7),
    startOf: seoulMonthStart,
    endOf: seoulMonthEnd,
    // eslint-disable-next-line @typescript-eslint/require-await
    async *units(from, dir) {
      const list = dir === -1 ? [...months].reverse() : months;
      for (const m of list) if (!from || (dir === -1 ? m <= from : m >= from)) yield m;
    },
    load: (units) =>
      readBuckets(
        units.map((m) => ({ unit: m, count: counts[m] ?? 0, idOf: (seq) => subjectBucketId(subject, m, seq) })),
      ),
    sizeOf: (m) => Promise.resolve(counts[m] ?? 0),
  };
}

// The days of the whole log (the yearly day indexes, read as the walk reaches their year), as units of the pager.
async function daySource(): Promise<UnitSource<ViewEntry>> {
  const years = await readYears();
  const counts = new Map<string, Record<string, number>>();
  const countsOf = async (year: string) => {
    if (!counts.has(year)) counts.set(year, await readDayCounts(year));
    return counts.get(year)!;
  };
  return {
    unitOf: seoulDayOf,
    startOf: seoulDayStart,
    endOf: seoulDayEnd,
    async *units(from, dir) {
      const ys = dir === -1 ? [...years].reverse() : years;
      for (const y of ys) {
        if (from && (dir === -1 ? y > from.slice(0, 4) : y < from.slice(0, 4))) continue;
        const c = await countsOf(y);
        const days = Object.keys(c)
          .filter((d) => (c[d] ?? 0) > 0)
          .sort();
        if (dir === -1) days.reverse();
        for (const d of days) if (!from || (dir === -1 ? d <= from : d >= from)) yield d;
      }
    },
    load: async (units) => {
      const list = await Promise.all(
        units.map(async (d) => ({
          unit: d,
          count: (await countsOf(d.slice(0, 4)))[d] ?? 0,
          idOf: (seq: number) => dayBucketId(d, seq),
        })),
      );
      return readBuckets(list);
    },
    sizeOf: async (d) => (await countsOf(d.slice(0, 4)))[d] ?? 0,
  };
}

// Only the units within [lo, hi] (keys compare as strings in time order).
function within(source: UnitSource<ViewEntry>, lo: string | undefined, hi: string | undefined): UnitSource<ViewEntry> {
  if (!lo && !hi) return source;
  return {
    ...source,
    async *units(from, dir) {
      let start = from;
      if (dir === -1 && hi && (!start || start > hi)) start = hi;
      if (dir === 1 && lo && (!start || start < lo)) start = lo;
      for await (const u of source.units(start, dir)) {
        if ((lo && u < lo) || (hi && u > hi)) return;
        yield u;
      }
    },
  };
}

// Who saved one record after the given version (oldest first): shown beside an edit form merged after a conflict. The
// record's timeline answers unless the versions asked for are older than it holds; then its months are read back.
export async function editorsSince(entityId: string, version: number, limit = 20): Promise<Editor[]> {
  if (!isId(entityId)) return [];
  const subject = subjectOf(entityId);
  const own = (e: ViewEntry) => String(e.entityId) === subject;
  const timeline = await readTimeline(subject);
  let entries = (timeline?.entries ?? []).filter(own);
  const total = Object.values(timeline?.count ?? {}).reduce((s, n) => s + n, 0);
  const reachesBack =
    entries.some((e) => (e.version ?? Infinity) <= version) || total <= (timeline?.entries.length ?? 0);
  if (!reachesBack) {
    const source = await subjectSource(subject);
    const found: ViewEntry[] = [];
    let months = 0;
    for await (const m of source.units(undefined, -1)) {
      const got = ((await source.load([m])).get(m) ?? []).filter(own);
      found.push(...got);
      if (got.some((e) => (e.version ?? Infinity) <= version) || ++months >= HISTORY_MAX_MONTHS) break;
    }
    entries = found;
  }
  return uniqueNewestFirst(entries.filter((e) => e.version !== undefined && e.version !== null && e.version > version))
    .reverse()
    .slice(0, limit)
    .map((e) => ({ email: e.actorEmail ?? 'system', at: e.at }));
}

// The edit conflict for a save based on `version` of a record someone has saved since (server/lib/edit-conflict.ts).
export async function editConflictSince(entityId: string, version: number) {
  return editConflict(await editorsSince(entityId, version));
}

// The whole log, newest first, keyset-paginated both ways like every list. A record's entries (the record filter) come
// from that record's month buckets; otherwise the page reads days, newest first, and the other filters pick entries out
// of the days read: a page reads at most LOG_MAX_DAYS days, and says how far it searched when it stopped short.
export async function browseAudit(f: AuditFilters, pageSize = AUDIT_PAGE_SIZE): Promise<BucketPage<HistoryEntry>> {
  const from = f.from ? seoulDayStart(f.from) : undefined;
  const to = f.to ? seoulDayEnd(f.to) : undefined;
  const match = (e: ViewEntry) =>
    (!f.entity || e.entity === f.entity) &&
    (!f.action || e.action === f.action) &&
    (!f.actor || (e.actorEmail ?? 'system') === f.actor) &&
    (!f.entityId || String(e.entityId) === f.entityId) &&
    (!from || e.at >= from) &&
    (!to || e.at < to);
  // The unfiltered log's first page comes from its latest entries (one document) when they hold it. (Later pages read
  // the days: at a page deep in the log the latest entries would be read for nothing.)
  const filtered = f.entity || f.action || f.actor || f.entityId || f.from || f.to;
  if (!filtered && !f.before && !f.after) {
    const latest = await readLatest();
    const page = latest?.complete ? subsetPage(latest.entries, { size: pageSize }) : undefined;
    if (page) return { ...page, rows: page.rows.map(toHistoryEntry) };
  }
  const source = f.entityId
    ? within(await subjectSource(subjectOf(f.entityId)), f.from?.slice(0, 7), f.to?.slice(0, 7))
    : within(await daySource(), f.from, f.to);
  const page = await bucketPage({
    source,
    after: f.after,
    before: f.before,
    size: pageSize,
    maxUnits: f.entityId ? HISTORY_MAX_MONTHS : LOG_MAX_DAYS,
    match,
  });
  return { ...page, rows: page.rows.map(toHistoryEntry) };
}

// A record's full history ("all history" of a firm, with its rounds, people and notes; of an investor organisation),
// newest first, keyset-paginated both ways, read from its month buckets.
export async function recordHistory(
  id: string,
  cursors: { after?: string; before?: string },
  opts: { ownOnly: boolean },
  pageSize = AUDIT_PAGE_SIZE,
): Promise<BucketPage<HistoryEntry>> {
  const subject = subjectOf(id);
  const page = await bucketPage({
    source: await subjectSource(subject),
    ...cursors,
    size: pageSize,
    maxUnits: HISTORY_MAX_MONTHS,
    match: (e) => !opts.ownOnly || String(e.entityId) === subject,
  });
  return { ...page, rows: page.rows.map(toHistoryEntry) };
}
