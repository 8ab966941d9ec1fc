import { z } from 'zod';
import { AppError } from './app-error.js';
import { byCodeUnits } from './names.js';

// Keyset ("seek") pagination on (field, _id): pages stay as fast at row 100,000 as at row 1, unlike skip.
// Pure: a cursor's id stays a hex string here; the model's query (the `find` a list passes in) casts it to an ObjectId.
export type Direction = 1 | -1;

// The type of the sort field's values. A cursor comes back from the browser, so it is checked against that type: a string
// compared with a date field would otherwise reach MongoDB as a CastError (a 500).
export type CursorKind = 'string' | 'number' | 'date';

const cursorValue = {
  string: z.string().max(1000),
  number: z.number(),
  date: z
    .strictObject({ d: z.iso.datetime() })
    .transform(({ d }) => new Date(d))
    .refine((d) => !Number.isNaN(d.getTime())),
};
const cursorId = z
  .string()
  .regex(/^[0-9a-f]{24}$/i)
  .transform((id) => id.toLowerCase());
// Rows without a value (null) page too; without a kind, any of the value types is accepted.
const cursorSchema = (value: z.ZodType) => z.tuple([value.nullable(), cursorId]).transform(([v, id]) => ({ v, id }));
const CURSOR_SCHEMAS = {
  string: cursorSchema(cursorValue.string),
  number: cursorSchema(cursorValue.number),
  date: cursorSchema(cursorValue.date),
  any: cursorSchema(z.union([cursorValue.string, cursorValue.number, cursorValue.date])),
};

export function encodeCursor(v: unknown, id: unknown): string {
  const value = v instanceof Date ? { d: v.toISOString() } : (v ?? null);
  return Buffer.from(JSON.stringify([value, String(id)])).toString('base64url');
}

// The cursor's value and id, or undefined when the token is not a cursor for a field of that kind.
export type Cursor = { v: unknown; id: string };

export function decodeCursor(token: string | undefined, kind?: CursorKind): Cursor | undefined {
  if (!token) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const r = CURSOR_SCHEMAS[kind ?? 'any'].safeParse(json);
  return r.success ? r.data : undefined;
}

// The filter for rows strictly after the cursor in the order { field: dir, _id: dir }.
// MongoDB orders null/missing before any value ascending, so nulls come first ascending and last descending.
function afterCursor(field: string, dir: Direction, cursor: Cursor): Record<string, unknown> {
  const { v, id } = cursor;
  const idCmp = dir === 1 ? '$gt' : '$lt';
  const valCmp = dir === 1 ? '$gt' : '$lt';
  if (v === null || v === undefined) {
    return dir === 1
      ? { $or: [{ [field]: { $ne: null } }, { [field]: null, _id: { [idCmp]: id } }] }
      : { [field]: null, _id: { [idCmp]: id } };
  }
  const branches: Record<string, unknown>[] = [{ [field]: { [valCmp]: v } }, { [field]: v, _id: { [idCmp]: id } }];
  if (dir === -1) branches.push({ [field]: null });
  return { $or: branches };
}

// A page link's cursor that does not fit the list's sort (edited, truncated, from another sort) is a 400, not a 500
// (a page request is then sent to the list's first page with a notice: server/lib/error-handler.ts).
export function pageCursor(token: string | undefined, kind: CursorKind) {
  if (!token) return undefined;
  const cursor = decodeCursor(token, kind);
  if (!cursor)
    throw new AppError(400, 'bad_cursor', 'This page link is not valid for this list: go back to its first page.');
  return cursor;
}

export type Page<T> = { rows: T[]; next?: string; prev?: string };

// The query parameters of every list's page links (views/partials/pager.ejs): opaque here, checked against the
// list's sort by keysetPage (a cursor that does not fit is a 400). Long enough for a sort value of 1,000 Korean characters.
const cursorParam = z.preprocess((v) => (v === '' ? undefined : v), z.string().max(4100).optional());
export const pageCursors = { after: cursorParam, before: cursorParam };

// Runs one page query given a find function; "before" pages are read in reverse order and flipped back.
export async function keysetPage<T extends { _id: unknown }>(opts: {
  field: string;
  kind: CursorKind;
  dir: Direction;
  after?: string;
  before?: string;
  size: number;
  valueOf: (row: T) => unknown;
  find: (filter: Record<string, unknown> | undefined, sort: Record<string, Direction>, limit: number) => Promise<T[]>;
}): Promise<Page<T>> {
  const { field, dir, size } = opts;
  const before = pageCursor(opts.before, opts.kind);
  const after = before ? undefined : pageCursor(opts.after, opts.kind);
  const readDir: Direction = before ? (-dir as Direction) : dir;
  const cursor = before ?? after;
  const filter = cursor ? afterCursor(field, readDir, cursor) : undefined;
  const got = await opts.find(filter, { [field]: readDir, _id: readDir }, size + 1);
  const more = got.length > size;
  let rows = got.slice(0, size);
  if (before) rows = rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasNext = before ? true : more;
  const hasPrev = before ? more : Boolean(after);
  return {
    rows,
    next: hasNext && last ? encodeCursor(opts.valueOf(last), last._id) : undefined,
    prev: hasPrev && first ? encodeCursor(opts.valueOf(first), first._id) : undefined,
  };
}

// The same pages over rows already in memory in the order (value, _id) ascending by code unit (a kept figure of a few
// hundred entries, say), with the same cursors as keysetPage.
export function keysetSlice<T extends { _id: unknown }>(
  rows: readonly T[],
  opts: { after?: string; before?: string; size: number; valueOf: (row: T) => string },
): Page<T> {
  const compare = (row: T, cursor: Cursor) =>
    byCodeUnits(opts.valueOf(row), typeof cursor.v === 'string' ? cursor.v : '') ||
    byCodeUnits(String(row._id), cursor.id);
  // The index of the first row past the cursor (or at it, for the end of a page read backwards).
  const indexPast = (cursor: Cursor, orAt: boolean) => {
    const i = rows.findIndex((row) => compare(row, cursor) > (orAt ? -1 : 0));
    return i === -1 ? rows.length : i;
  };
  const before = pageCursor(opts.before, 'string');
  const after = before ? undefined : pageCursor(opts.after, 'string');
  const end = before
    ? indexPast(before, true)
    : Math.min(rows.length, (after ? indexPast(after, false) : 0) + opts.size);
  const start = before ? Math.max(0, end - opts.size) : after ? indexPast(after, false) : 0;
  const page = rows.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    rows: page,
    next: end < rows.length && last ? encodeCursor(opts.valueOf(last), last._id) : undefined,
    prev: start > 0 && first ? encodeCursor(opts.valueOf(first), first._id) : undefined,
  };
}
