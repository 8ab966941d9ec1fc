import { BSON, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { AuditBucketModel, AuditDayIndexModel } from '../../models/audit-bucket.model.js';
import { AuditTimelineModel } from '../../models/audit-timeline.model.js';
import { invalidateComputed } from '../../models/computed.model.js';
import { groupBy } from '../lib/group-by.js';
import { storedChange } from './audit-diff.js';
import {
  AUDIT_BUCKET_SIZE,
  AUDIT_SUBSET_SIZE,
  AUDIT_SUBSET_TRIM_AT,
  LOG_LATEST_SIZE,
  LOG_LATEST_TRIM_AT,
  bucketCount,
  dayBucketId,
  seoulDayOf,
  seqOf,
  subjectBucketId,
  subjectsOf,
  timelineOverflow,
  type ViewEntry,
} from './audit-view-keys.js';

// The write side of the audit log's derived views: the day buckets and their index (the audit log page), the timeline
// subset and month buckets of each record (record pages and their full history). The flat audit entry is written first
// and stays the record of truth; every write here is addressed by `_id` alone (FerretDB v1 scans for anything else) and
// idempotent by entry ($addToSet of the same entry copy), so a retry or rebuildAuditViews() repairs a write cut short.
// No transactions on FerretDB: an entry's place in a bucket comes from an atomic running count ($inc), not from a
// conditional write.

// An entry as the views store it: packed, its BSON as one binary value. The embedded database keeps each document as
// JSON and rebuilds every field of it on each read: a timeline of 50 entries with their changes is some 1,500 values,
// and reading it (the firm page, the audit log's first page) took 24–34 ms under load against 4 for one packed figure.
// $addToSet and $pullAll compare packed entries byte for byte: viewEntryOf gives a copy's fields one fixed order, so a
// retried copy packs the same. Views of an earlier computation (unpacked entries) are rebuilt at start-up.
type StoredEntry = BSON.Binary;
const packEntry = (e: ViewEntry): StoredEntry => new BSON.Binary(BSON.serialize(e));
const unpackEntry = (stored: StoredEntry): ViewEntry => BSON.deserialize(stored.buffer) as ViewEntry;
const unpackAll = (stored: readonly StoredEntry[] | undefined) => (stored ?? []).map(unpackEntry);

// The stored entries to remove from a timeline that has grown past its bound (timelineOverflow, on their contents).
function storedOverflow(stored: readonly StoredEntry[] | undefined, size?: number, trimAt?: number): StoredEntry[] {
  const pairs = (stored ?? []).map((packed) => ({ packed, entry: unpackEntry(packed) }));
  const entries = pairs.map((p) => p.entry);
  const drop = new Set(timelineOverflow(entries, size, trimAt));
  return pairs.filter((p) => drop.has(p.entry)).map((p) => p.packed);
}

type IndexDoc = { _id: string; count?: Record<string, number>; years?: string[] };
type TimelineDoc = { _id: string; entries: ViewEntry[]; count?: Record<string, number> };
type StoredTimeline = { _id: string; entries?: StoredEntry[]; count?: Record<string, number> };
// The log's latest entries (a document of the timelines collection, whose other _ids are record ids). `complete` once
// it is known to hold the newest LOG_LATEST_SIZE of the whole log (built from the log, or kept since the log was empty):
// until then the log's pages read the days.
type LatestDoc = { _id: string; entries: ViewEntry[]; complete?: boolean };
type StoredLatest = { _id: string; entries?: StoredEntry[]; complete?: boolean };
const LATEST_ID = 'log:latest';
type StoredBucket = { _id: string; entries?: StoredEntry[] };

// The driver's collections (Mongoose would cast the entries' Mixed values for nothing): string _ids throughout.
// Typed loosely for the driver (the entries are copies, not the collection's own shape); reads are cast below.
const raw = (m: { collection: unknown }) => m.collection as Collection<{ _id: string } & Document>;
const dayIndex = () => raw(AuditDayIndexModel);
const timelines = () => raw(AuditTimelineModel);
const buckets = () => raw(AuditBucketModel);

const YEARS_ID = 'years';
// Marks views built from the whole flat log by this computation (ensureAuditViews rebuilds when it is missing or older).
const BUILT_ID = 'built';
// 2: entries packed (StoredEntry).
const VIEWS_COMPUTATION = 2;
const SUBJECT_CONCURRENCY = 8;
const REBUILD_BATCH = 5000;
// Entries per insert or bulkWrite of views (a bucket or timeline document holds up to 100 of them).
const WRITE_BATCH_ENTRIES = 5000;

// The copy of an audit entry the views hold: the stored fields in one fixed order (so $addToSet sees a retried copy as
// the same value), without Mongoose's version key or empty optional fields.
export function viewEntryOf(doc: Record<string, unknown>): ViewEntry {
  const out: Record<string, unknown> = {};
  for (const k of [
    '_id',
    'at',
    'actor',
    'actorEmail',
    'entity',
    'entityId',
    'entityLabel',
    'action',
    'changes',
    'version',
    'importId',
    'firm',
  ]) {
    const v = doc[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  if (!out.changes) out.changes = [];
  out.changes = (out.changes as Record<string, unknown>[]).map(storedChange);
  return out as ViewEntry;
}

// What is kept drawn from the views (the log's pages) is marked stale after they are written, never before: a page
// drawn between the mark and the write would be kept as current.
const markViewsWritten = () => invalidateComputed('audit');

// One entry just appended to the flat log (recordAudit): its day bucket, and each subject's timeline and month bucket.
export async function appendEntryToViews(e: ViewEntry): Promise<void> {
  const day = seoulDayOf(e.at);
  await Promise.all([
    addToDay(e, day),
    dayIndex().updateOne({ _id: YEARS_ID }, { $addToSet: { years: day.slice(0, 4) } }, { upsert: true }),
    ...subjectsOf(e).map((s) => addToSubject(e, s, day.slice(0, 7))),
    addToLatest([e]),
  ]);
  await markViewsWritten();
}

async function addToDay(e: ViewEntry, day: string) {
  const index = await dayIndex().findOneAndUpdate(
    { _id: day.slice(0, 4) },
    { $inc: { [`count.${day}`]: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  const ordinal = (index as IndexDoc | null)?.count?.[day] ?? 1;
  await buckets().updateOne(
    { _id: dayBucketId(day, seqOf(ordinal)) },
    { $addToSet: { entries: packEntry(e) } },
    { upsert: true },
  );
}

// $push with $slice would keep the subset bounded in one write, but FerretDB v1 ignores $slice (and $sort) in $push
// (checked on v1.24.2: the array keeps every element), and a write conditional on a version would scan the collection.
// So the entry is added unconditionally and whoever sees the timeline past AUDIT_SUBSET_TRIM_AT removes the oldest
// copies with $pullAll (exact values; `$pull` with a condition is a no-op on FerretDB v1), which concurrent appends
// cannot disturb.
async function addToSubject(e: ViewEntry, subject: string, month: string) {
  const packed = packEntry(e);
  const timeline = (await timelines().findOneAndUpdate(
    { _id: subject },
    { $addToSet: { entries: packed }, $inc: { [`count.${month}`]: 1 } },
    { upsert: true, returnDocument: 'after' },
  )) as StoredTimeline | null;
  const ordinal = timeline?.count?.[month] ?? 1;
  await buckets().updateOne(
    { _id: subjectBucketId(subject, month, seqOf(ordinal)) },
    { $addToSet: { entries: packed } },
    { upsert: true },
  );
  await trimTimeline(subject, timeline?.entries);
}

async function trimTimeline(subject: string, entries: StoredEntry[] | undefined) {
  const drop = storedOverflow(entries);
  if (drop.length) await timelines().updateOne({ _id: subject }, { $pullAll: { entries: drop } } as Document);
}

// The log's latest entries: added like a timeline's and trimmed the same way, to the newest LOG_LATEST_SIZE. Every entry
// of the log passes through here, so what it keeps is the newest of the whole log (a trim only drops entries older than
// LOG_LATEST_SIZE others).
async function addToLatest(entries: ViewEntry[], complete?: true) {
  const latest = (await timelines().findOneAndUpdate(
    { _id: LATEST_ID },
    { $addToSet: { entries: { $each: entries.map(packEntry) } }, ...(complete ? { $set: { complete } } : {}) },
    { upsert: true, returnDocument: 'after' },
  )) as StoredLatest | null;
  const drop = storedOverflow(latest?.entries, LOG_LATEST_SIZE, LOG_LATEST_TRIM_AT);
  if (drop.length) await timelines().updateOne({ _id: LATEST_ID }, { $pullAll: { entries: drop } } as Document);
}

// Runs `work` over `items`, `limit` at a time.
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await work(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// The entries a bulk append puts in each bucket, and whether it opens the bucket (holds its first ordinal).
type Planned = { entries: ViewEntry[]; opens: boolean };

// Given the running count after adding `list.length` entries, the bucket each entry of `list` goes into.
function assign(list: ViewEntry[], countAfter: number, idOf: (seq: number) => string, into: Map<string, Planned>) {
  const first = countAfter - list.length + 1;
  list.forEach((e, i) => {
    const ordinal = first + i;
    const id = idOf(seqOf(ordinal));
    const bucket = into.get(id) ?? { entries: [], opens: false };
    bucket.entries.push(e);
    if ((ordinal - 1) % AUDIT_BUCKET_SIZE === 0) bucket.opens = true;
    into.set(id, bucket);
  });
}

// Buckets this append opens are inserted (FerretDB inserts a batch in one go, while each update is a lookup and a
// rewrite); the rest are added to. An insert that meets a bucket someone else opened meanwhile is redone as an update.
// Batches are cut by entries, not by buckets (a batch of full buckets is a large message).
async function writeBuckets(into: Map<string, Planned>) {
  const update = (_id: string, entries: ViewEntry[]): AnyBulkWriteOperation<{ _id: string } & Document> => ({
    updateOne: { filter: { _id }, update: { $addToSet: { entries: { $each: entries.map(packEntry) } } }, upsert: true },
  });
  const planned = [...into];
  for (let start = 0; start < planned.length;) {
    let end = start;
    for (let size = 0; end < planned.length && (end === start || size < WRITE_BATCH_ENTRIES); end += 1)
      size += planned[end]![1].entries.length;
    const batch = planned.slice(start, end);
    start = end;
    const ops = batch.map(([_id, p]) =>
      p.opens ? { insertOne: { document: { _id, entries: p.entries.map(packEntry) } } } : update(_id, p.entries),
    );
    try {
      await buckets().bulkWrite(ops, { ordered: false });
    } catch (err) {
      const retry = duplicatesOf(err).map((index) => {
        const [_id, p] = batch[index]!;
        return update(_id, p.entries);
      });
      await buckets().bulkWrite(retry, { ordered: false });
    }
  }
}

// The positions of the writes that met an existing `_id` in an unordered batch; rethrows any other failure.
function duplicatesOf(err: unknown): number[] {
  const failed = (err as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } })
    .writeErrors;
  const list = Array.isArray(failed) ? failed : failed ? [failed] : [];
  if (!list.length || list.some((w) => w.code !== 11000)) throw err;
  return list.map((w) => w.index);
}

// Entries per Seoul month of a subject's entries.
const monthCounts = (byMonth: Map<string, ViewEntry[]>) =>
  Object.fromEntries([...byMonth].map(([m, l]) => [m, l.length]));

// The timelines of subjects that have none yet are inserted whole, a batch at a time (their counts start at zero, so
// their buckets' places are known). Returns the subjects whose timeline exists already (the insert met its `_id`).
async function insertNewTimelines(
  bySubject: Map<string, { list: ViewEntry[]; byMonth: Map<string, ViewEntry[]> }>,
  into: Map<string, Planned>,
): Promise<string[]> {
  const subjects = [...bySubject.keys()];
  const existing: string[] = [];
  const batch: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!batch.length) return;
    const docs = batch.map((_id) => {
      const { list, byMonth } = bySubject.get(_id)!;
      return { _id, entries: list.slice(-AUDIT_SUBSET_SIZE).map(packEntry), count: monthCounts(byMonth) };
    });
    let taken = new Set<number>();
    try {
      await timelines().insertMany(docs, { ordered: false });
    } catch (err) {
      taken = new Set(duplicatesOf(err));
    }
    batch.forEach((subject, i) => {
      if (taken.has(i)) return void existing.push(subject);
      for (const [m, l] of bySubject.get(subject)!.byMonth)
        assign(l, l.length, (seq) => subjectBucketId(subject, m, seq), into);
    });
    batch.length = 0;
    size = 0;
  };
  for (const subject of subjects) {
    batch.push(subject);
    size += Math.min(AUDIT_SUBSET_SIZE, bySubject.get(subject)!.list.length);
    if (size >= WRITE_BATCH_ENTRIES) await flush();
  }
  await flush();
  return existing;
}

// Many entries already in the flat log (a bulk write, a rebuild): one counting write per year, new timelines inserted
// whole and one write per existing timeline, then the buckets: new ones inserted, one update per bucket continued.
// Cost grows with the timelines and buckets that exist already, not with the entries: give it large batches.
export async function appendEntriesToViews(entries: ViewEntry[]): Promise<void> {
  if (!entries.length) return;
  const sorted = [...entries].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (String(a._id) < String(b._id) ? -1 : 1),
  );
  const into = new Map<string, Planned>();
  const byDay = groupBy(sorted, (e) => seoulDayOf(e.at));
  const byYear = groupBy([...byDay.keys()], (d) => d.slice(0, 4));
  await dayIndex().updateOne(
    { _id: YEARS_ID },
    { $addToSet: { years: { $each: [...byYear.keys()] } } },
    { upsert: true },
  );
  await Promise.all(
    [...byYear].map(async ([year, days]) => {
      const inc = Object.fromEntries(days.map((d) => [`count.${d}`, byDay.get(d)!.length]));
      const index = (await dayIndex().findOneAndUpdate(
        { _id: year },
        { $inc: inc },
        { upsert: true, returnDocument: 'after' },
      )) as IndexDoc | null;
      for (const d of days) assign(byDay.get(d)!, index?.count?.[d] ?? 0, (seq) => dayBucketId(d, seq), into);
    }),
  );
  const lists = new Map<string, ViewEntry[]>();
  for (const e of sorted)
    for (const s of subjectsOf(e)) {
      const list = lists.get(s);
      if (list) list.push(e);
      else lists.set(s, [e]);
    }
  const bySubject = new Map(
    [...lists].map(([s, list]) => [s, { list, byMonth: groupBy(list, (e) => seoulDayOf(e.at).slice(0, 7)) }]),
  );
  await addToLatest(sorted.slice(-LOG_LATEST_SIZE));
  const existing = await insertNewTimelines(bySubject, into);
  await pool(existing, SUBJECT_CONCURRENCY, async (subject) => {
    const { list, byMonth } = bySubject.get(subject)!;
    const inc = Object.fromEntries([...byMonth].map(([m, l]) => [`count.${m}`, l.length]));
    const timeline = (await timelines().findOneAndUpdate(
      { _id: subject },
      { $addToSet: { entries: { $each: list.slice(-AUDIT_SUBSET_SIZE).map(packEntry) } }, $inc: inc },
      { upsert: true, returnDocument: 'after' },
    )) as StoredTimeline | null;
    for (const [m, l] of byMonth) assign(l, timeline?.count?.[m] ?? 0, (seq) => subjectBucketId(subject, m, seq), into);
    await trimTimeline(subject, timeline?.entries);
  });
  await writeBuckets(into);
  await markViewsWritten();
}

// A bulk write into an empty log (the demo-data generator on a new database) leaves complete views, as every later
// write keeps them: marked so, or the next start-up would rebuild them all over again (ensureAuditViews).
export async function markViewsCompleteIfLogEmpty(): Promise<void> {
  const marker = (await dayIndex().findOne({ _id: BUILT_ID })) as { computation?: number } | null;
  if (marker?.computation === VIEWS_COMPUTATION) return;
  if ((await AuditEntryModel.estimatedDocumentCount()) > 0) return;
  await dayIndex().updateOne({ _id: BUILT_ID }, { $set: { computation: VIEWS_COMPUTATION } }, { upsert: true });
  await addToLatest([], true);
  await markViewsWritten();
}

// Recomputes every derived view from the flat log (after a restore, a seed, or to repair a write cut short). Not for use
// while the app writes: it empties the views first. One pass over the log in time order, the counts and timelines kept
// in memory (a timeline holds at most AUDIT_SUBSET_SIZE entries), and only inserts: buckets are written as they fill,
// the indexes and timelines at the end.
export async function rebuildAuditViews(): Promise<void> {
  await Promise.all([dayIndex().deleteMany({}), timelines().deleteMany({}), buckets().deleteMany({})]);
  const dayCounts = new Map<string, number>();
  const subjects = new Map<string, { count: Record<string, number>; entries: ViewEntry[] }>();
  // Buckets still filling, with the day or month they are of: the log is read in time order, so a bucket of an earlier
  // day (month) than the entry read last is complete and is written then, keeping memory to the open ones.
  const open = new Map<string, { unit: string; entries: ViewEntry[] }>();
  const flush = async (day: string | undefined) => {
    const done = [...open].filter(([, b]) => !day || b.unit < (b.unit.length === 10 ? day : day.slice(0, 7)));
    for (let i = 0; i < done.length; i += 500)
      await buckets().insertMany(
        done.slice(i, i + 500).map(([_id, b]) => ({ _id, entries: b.entries.map(packEntry) })),
      );
    for (const [id] of done) open.delete(id);
  };
  const place = (id: string, unit: string, e: ViewEntry) => {
    const bucket = open.get(id) ?? { unit, entries: [] };
    bucket.entries.push(e);
    open.set(id, bucket);
  };
  let read = 0;
  let newest: ViewEntry[] = [];
  for await (const doc of AuditEntryModel.collection.find({}).sort({ at: 1, _id: 1 })) {
    const e = viewEntryOf(doc);
    newest.push(e);
    if (newest.length >= 2 * LOG_LATEST_SIZE) newest = newest.slice(-LOG_LATEST_SIZE);
    const day = seoulDayOf(e.at);
    const month = day.slice(0, 7);
    const n = (dayCounts.get(day) ?? 0) + 1;
    dayCounts.set(day, n);
    place(dayBucketId(day, seqOf(n)), day, e);
    for (const s of subjectsOf(e)) {
      const subject = subjects.get(s) ?? { count: {}, entries: [] };
      subject.count[month] = (subject.count[month] ?? 0) + 1;
      subject.entries.push(e);
      if (subject.entries.length > AUDIT_SUBSET_TRIM_AT) subject.entries = subject.entries.slice(-AUDIT_SUBSET_SIZE);
      subjects.set(s, subject);
      place(subjectBucketId(s, month, seqOf(subject.count[month])), month, e);
    }
    if (++read % REBUILD_BATCH === 0) await flush(day);
  }
  await flush(undefined);
  const byYear = groupBy([...dayCounts.keys()], (d) => d.slice(0, 4));
  await dayIndex().insertMany([
    ...[...byYear].map(([year, days]) => ({
      _id: year,
      count: Object.fromEntries(days.map((d) => [d, dayCounts.get(d)])),
    })),
    { _id: YEARS_ID, years: [...byYear.keys()] },
  ]);
  const docs = [...subjects].map(([_id, s]) => ({
    _id,
    entries: s.entries.slice(-AUDIT_SUBSET_SIZE).map(packEntry),
    count: s.count,
  }));
  for (let i = 0; i < docs.length; i += 500) await timelines().insertMany(docs.slice(i, i + 500));
  await addToLatest(newest.slice(-LOG_LATEST_SIZE), true);
  await dayIndex().updateOne({ _id: BUILT_ID }, { $set: { computation: VIEWS_COMPUTATION } }, { upsert: true });
  await markViewsWritten();
}

// At start-up: builds the views once when they are missing (a database from before them, a restored old backup) or were
// written by an older computation. Returns the number of entries then read, or undefined when nothing was needed.
export async function ensureAuditViews(): Promise<number | undefined> {
  const marker = (await dayIndex().findOne({ _id: BUILT_ID })) as { computation?: number } | null;
  if (marker?.computation === VIEWS_COMPUTATION) {
    await ensureLatest();
    return undefined;
  }
  await rebuildAuditViews();
  return AuditEntryModel.estimatedDocumentCount();
}

// Views built before the log kept its latest entries: they are read once from the flat log, newest first (an index
// on MongoDB; one pass on the embedded database, once), and merged with any appended meanwhile.
async function ensureLatest(): Promise<void> {
  if ((await readLatest())?.complete) return;
  const newest = await AuditEntryModel.collection.find({}).sort({ at: -1, _id: -1 }).limit(LOG_LATEST_SIZE).toArray();
  await addToLatest(
    newest.map((d) => viewEntryOf(d)),
    true,
  );
  await markViewsWritten();
}

// ---- reads (all by _id) ----

// The log's latest entries, when they are known to be the newest of the whole log.
export async function readLatest(): Promise<LatestDoc | null> {
  const doc = (await timelines().findOne({ _id: LATEST_ID })) as StoredLatest | null;
  return doc && { ...doc, entries: unpackAll(doc.entries) };
}

export async function readTimeline(subject: string): Promise<TimelineDoc | null> {
  const doc = (await timelines().findOne({ _id: subject })) as StoredTimeline | null;
  return doc && { ...doc, entries: unpackAll(doc.entries) };
}

export async function readYears(): Promise<string[]> {
  const doc = (await dayIndex().findOne({ _id: YEARS_ID })) as IndexDoc | null;
  return [...(doc?.years ?? [])].sort();
}

export async function readDayCounts(year: string): Promise<Record<string, number>> {
  return ((await dayIndex().findOne({ _id: year })) as IndexDoc | null)?.count ?? {};
}

// The entries of the buckets of several units (days or a record's months), each unit's count giving its buckets.
export async function readBuckets(
  units: { unit: string; count: number; idOf: (seq: number) => string }[],
): Promise<Map<string, ViewEntry[]>> {
  // Every bucket of every unit in one query by _id (a busy day is several buckets: one read each made a page's commands
  // grow with the town, 15 at 600 firms against 12 at 60), in one batch.
  const wanted = units.flatMap(({ unit, count, idOf }) =>
    Array.from({ length: bucketCount(count) }, (_, i) => ({ unit, _id: idOf(i + 1) })),
  );
  const docs = wanted.length
    ? ((await buckets()
        .find({ _id: { $in: wanted.map((w) => w._id) } })
        .batchSize(wanted.length + 1)
        .toArray()) as StoredBucket[])
    : [];
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out = new Map<string, ViewEntry[]>(units.map(({ unit }) => [unit, []]));
  for (const w of wanted) out.get(w.unit)!.push(...unpackAll(byId.get(w._id)?.entries));
  return out;
}
