// Pure rules of the audit log's derived views (models/audit-bucket.model.ts, models/audit-timeline.model.ts): which
// documents an entry goes into, by `_id`, and how entries are ordered. No database code.

// At most this many entries in one bucket document (a day's or a record's month): overflow goes to `#2`, `#3`, …
export const AUDIT_BUCKET_SIZE = 100;
// A record's page shows its latest this-many entries, read from its timeline document.
export const AUDIT_SUBSET_SIZE = 50;
// The timeline is trimmed back to AUDIT_SUBSET_SIZE once it holds more than this (one trim per 25 appends, not one each).
export const AUDIT_SUBSET_TRIM_AT = 75;
// The whole log keeps its latest this-many entries in one document (trimmed back once it holds LOG_LATEST_TRIM_AT): its
// first pages are read from there, not from the day buckets (a busy day is several buckets, each read whole).
export const LOG_LATEST_SIZE = 100;
export const LOG_LATEST_TRIM_AT = 150;

const SEOUL_OFFSET_MS = 9 * 3600 * 1000; // Asia/Seoul is UTC+9 all year (no DST)
const DAY_MS = 24 * 3600 * 1000;

// What the views keep of an entry: the audit entry itself (models/audit-entry.model.ts), ids as stored.
export type ViewEntry = {
  _id: { toString(): string };
  at: Date;
  actor?: unknown;
  actorEmail?: string | null;
  entity: string;
  entityId: { toString(): string };
  entityLabel?: string | null;
  action: string;
  changes?: { field: string; before?: unknown; after?: unknown }[] | null;
  version?: number | null;
  importId?: unknown;
  firm?: { toString(): string } | null;
};

// The Seoul calendar day (YYYY-MM-DD) of an instant; its month is the first 7 characters, its year the first 4.
export function seoulDayOf(at: Date): string {
  return new Date(at.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

// The first instant of a Seoul calendar day (YYYY-MM-DD) as a UTC Date.
export function seoulDayStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - SEOUL_OFFSET_MS);
}

// The first instant after a Seoul calendar day: "to" dates are inclusive.
export function seoulDayEnd(day: string): Date {
  return new Date(seoulDayStart(day).getTime() + DAY_MS);
}

// The first instant of a Seoul month (YYYY-MM) and of the month after it.
export function seoulMonthStart(month: string): Date {
  return seoulDayStart(`${month}-01`);
}
export function seoulMonthEnd(month: string): Date {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1) - SEOUL_OFFSET_MS);
}

// The bucket a running count (1-based ordinal) falls into: 1 for the first AUDIT_BUCKET_SIZE, then 2, …
export function seqOf(ordinal: number): number {
  return Math.max(1, Math.ceil(ordinal / AUDIT_BUCKET_SIZE));
}

// The number of buckets a day or month with `count` entries spans.
export function bucketCount(count: number): number {
  return count > 0 ? seqOf(count) : 0;
}

const withSeq = (base: string, seq: number) => (seq <= 1 ? base : `${base}#${seq}`);
export const dayBucketId = (day: string, seq: number) => withSeq(`day:${day}`, seq);
export const subjectBucketId = (subject: string, month: string, seq: number) => withSeq(`sub:${subject}:${month}`, seq);

// The records whose history an entry belongs to: the record itself, and the firm it is tagged with (a round, person or
// note of a firm shows in the firm's history too).
export function subjectsOf(e: Pick<ViewEntry, 'entityId' | 'firm'>): string[] {
  const own = String(e.entityId);
  const firm = e.firm ? String(e.firm) : undefined;
  return firm && firm !== own ? [own, firm] : [own];
}

// Newest first: by instant, then by id (ObjectIds grow with time, and the id breaks ties), like the keyset pages.
export function newestFirst(a: Pick<ViewEntry, 'at' | '_id'>, b: Pick<ViewEntry, 'at' | '_id'>): number {
  const d = b.at.getTime() - a.at.getTime();
  if (d) return d;
  const x = String(a._id);
  const y = String(b._id);
  return x < y ? 1 : x > y ? -1 : 0;
}

// One copy of each entry (a retried write may leave a second copy of an entry in another bucket), newest first.
export function uniqueNewestFirst<T extends Pick<ViewEntry, 'at' | '_id'>>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const e of entries) {
    const id = String(e._id);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(e);
  }
  return out.sort(newestFirst);
}

// What to remove from a timeline that has grown past AUDIT_SUBSET_TRIM_AT: everything but the newest AUDIT_SUBSET_SIZE
// (and second copies). Empty when it need not be trimmed yet.
export function timelineOverflow<T extends Pick<ViewEntry, 'at' | '_id'>>(
  entries: readonly T[],
  size = AUDIT_SUBSET_SIZE,
  trimAt = AUDIT_SUBSET_TRIM_AT,
): T[] {
  if (entries.length <= trimAt) return [];
  const keep = new Set(uniqueNewestFirst(entries).slice(0, size));
  return entries.filter((e) => !keep.has(e));
}
