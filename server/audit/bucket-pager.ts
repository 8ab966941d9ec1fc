import { encodeCursor, pageCursor, type Cursor, type Page } from '../lib/keyset.js';
import { newestFirst, uniqueNewestFirst, type ViewEntry } from './audit-view-keys.js';

// Keyset pages over bucketed entries (the bucket pattern), newest first, both ways, with the cursors and page links of
// every list (server/lib/keyset.ts, views/partials/pager.ejs). Entries live in "units" (a Seoul day of the whole log, a
// Seoul month of one record), each read whole by `_id`; a page reads units from the cursor's unit onwards until it has a
// page of matching entries or has read `maxUnits` units. In the second case the page is shorter and its link carries on
// from the unit boundary where reading stopped ("the days read"): paging never skips or repeats an entry.
// Database-free: the units and their entries come in through `source`.

export type UnitSource<T extends ViewEntry> = {
  // The unit (day or month key) an instant falls in, and the instants it covers [start, end).
  unitOf: (at: Date) => string;
  startOf: (unit: string) => Date;
  endOf: (unit: string) => Date;
  // The units that have entries, from `from` (included; from the newest/oldest when undefined) in direction `dir`
  // (-1 = towards older): keys compare as strings in time order.
  units: (from: string | undefined, dir: -1 | 1) => AsyncIterable<string>;
  // The entries of several units, read together.
  load: (units: string[]) => Promise<Map<string, T[]>>;
  // How many entries a unit holds (before any filter), when the source knows it: a batch then stops at the units that
  // can fill the page, rather than reading READ_AHEAD units (at ten times the town's size one day fills a page, and
  // eight days were 27 bucket documents).
  sizeOf?: (unit: string) => Promise<number>;
};

export type BucketPage<T> = Page<T> & {
  // Set when the page stopped reading before it was full: the first instant (older pages) or the end (newer pages) of
  // the units it read. The page says so; its link carries on from there.
  searchedTo?: Date;
};

const ZERO_ID = '000000000000000000000000';
const READ_AHEAD = 8;

// Strictly past the cursor in the reading direction (-1: older, 1: newer), in the order (at, _id).
function beyond(e: ViewEntry, c: Cursor, dir: -1 | 1): boolean {
  const cmp = newestFirst(e, { at: c.v as Date, _id: c.id });
  return dir === -1 ? cmp > 0 : cmp < 0;
}

export async function bucketPage<T extends ViewEntry>(opts: {
  source: UnitSource<T>;
  after?: string;
  before?: string;
  size: number;
  maxUnits: number;
  match: (e: T) => boolean;
}): Promise<BucketPage<T>> {
  const { source, size } = opts;
  const before = pageCursor(opts.before, 'date');
  const after = before ? undefined : pageCursor(opts.after, 'date');
  const dir: -1 | 1 = before ? 1 : -1;
  const cursor = before ?? after;
  const got: T[] = [];
  let unitsRead = 0;
  let lastUnit: string | undefined;
  let moreUnits = false;
  const pending: string[] = [];
  const iterator = source.units(cursor ? source.unitOf(cursor.v as Date) : undefined, dir)[Symbol.asyncIterator]();
  let exhausted = false;
  const nextUnits = async (n: number) => {
    while (pending.length < n && !exhausted) {
      const r = await iterator.next();
      if (r.done) exhausted = true;
      else pending.push(r.value);
    }
    return pending.splice(0, n);
  };
  // Up to `limit` units, fewer when the source's sizes say they hold the entries still wanted.
  const nextBatch = async (limit: number) => {
    if (!source.sizeOf) return nextUnits(limit);
    const batch: string[] = [];
    let held = 0;
    while (batch.length < limit && held < size + 1 - got.length) {
      const [unit] = await nextUnits(1);
      if (unit === undefined) break;
      batch.push(unit);
      held += await source.sizeOf(unit);
    }
    return batch;
  };

  reading: while (got.length <= size) {
    const batch = await nextBatch(Math.min(READ_AHEAD, opts.maxUnits - unitsRead));
    if (!batch.length) break;
    const loaded = await source.load(batch);
    for (const unit of batch) {
      unitsRead++;
      lastUnit = unit;
      let rows = uniqueNewestFirst(loaded.get(unit) ?? []).filter(opts.match);
      if (cursor) rows = rows.filter((e) => beyond(e, cursor, dir));
      if (dir === 1) rows.reverse();
      got.push(...rows);
      if (got.length > size) break reading;
      if (unitsRead >= opts.maxUnits) {
        moreUnits = pending.length > 0 || !exhausted ? (await nextUnits(1)).length > 0 : false;
        break reading;
      }
    }
  }
  await iterator.return?.();

  const full = got.length > size;
  let rows = got.slice(0, size);
  // Stopped at the read limit with more units to go: the page's link carries on from the boundary of the last unit read.
  const boundary = !full && moreUnits && lastUnit ? lastUnit : undefined;
  const boundaryAt = boundary ? (dir === -1 ? source.startOf(boundary) : source.endOf(boundary)) : undefined;
  if (dir === 1) rows = rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const cursorToken = cursor ? encodeCursor(cursor.v, cursor.id) : undefined;
  let next: string | undefined;
  let prev: string | undefined;
  if (dir === -1) {
    next = full && last ? encodeCursor(last.at, last._id) : boundaryAt ? encodeCursor(boundaryAt, ZERO_ID) : undefined;
    prev = after ? (first ? encodeCursor(first.at, first._id) : cursorToken) : undefined;
  } else {
    prev =
      full && first ? encodeCursor(first.at, first._id) : boundaryAt ? encodeCursor(boundaryAt, ZERO_ID) : undefined;
    next = last ? encodeCursor(last.at, last._id) : cursorToken;
  }
  return { rows, next, prev, searchedTo: boundaryAt };
}

// A newest-first page (the first, or older than a cursor) answered from the log's latest entries alone (the subset
// pattern: the newest LOG_LATEST_SIZE or more, audit-views.service.ts), when they hold all of it: every entry outside
// the subset is older than every entry in it, so when the subset has more than a page of entries past the cursor, those
// are the page bucketPage would give. Otherwise undefined (the caller reads the days).
export function subsetPage<T extends ViewEntry>(
  latest: readonly T[],
  opts: { after?: string; size: number },
): BucketPage<T> | undefined {
  const after = pageCursor(opts.after, 'date');
  const past = uniqueNewestFirst(latest).filter((e) => !after || beyond(e, after, -1));
  if (past.length <= opts.size) return undefined;
  const rows = past.slice(0, opts.size);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  return {
    rows,
    next: encodeCursor(last.at, last._id),
    prev: after ? encodeCursor(first.at, first._id) : undefined,
  };
}
