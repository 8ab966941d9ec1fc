import { Types } from 'mongoose';

// Keyset ("seek") pagination on (field, _id): pages stay as fast at row 100,000 as at row 1, unlike skip.
export type Direction = 1 | -1;

export function encodeCursor(v: unknown, id: unknown): string {
  const value = v instanceof Date ? { d: v.toISOString() } : v ?? null;
  return Buffer.from(JSON.stringify([value, String(id)])).toString('base64url');
}

export function decodeCursor(token: string | undefined): { v: unknown; id: Types.ObjectId } | undefined {
  if (!token) return undefined;
  try {
    const [raw, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, string];
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) return undefined;
    let v: unknown = raw;
    if (raw && typeof raw === 'object' && 'd' in raw) v = new Date(String((raw as { d: string }).d));
    else if (raw !== null && typeof raw !== 'string' && typeof raw !== 'number') return undefined;
    return { v, id: new Types.ObjectId(id) };
  } catch {
    return undefined;
  }
}

// The filter for rows strictly after the cursor in the order { field: dir, _id: dir }.
// MongoDB orders null/missing before any value ascending, so nulls come first ascending and last descending.
export function afterCursor(field: string, dir: Direction, cursor: { v: unknown; id: Types.ObjectId }): Record<string, unknown> {
  const { v, id } = cursor;
  const idCmp = dir === 1 ? '$gt' : '$lt';
  const valCmp = dir === 1 ? '$gt' : '$lt';
  if (v === null || v === undefined) {
    return dir === 1 ? { $or: [{ [field]: { $ne: null } }, { [field]: null, _id: { [idCmp]: id } }] } : { [field]: null, _id: { [idCmp]: id } };
  }
  const branches: Record<string, unknown>[] = [{ [field]: { [valCmp]: v } }, { [field]: v, _id: { [idCmp]: id } }];
  if (dir === -1) branches.push({ [field]: null });
  return { $or: branches };
}

export type Page<T> = { rows: T[]; next?: string; prev?: string };

// Runs one page query given a find function; "before" pages are read in reverse order and flipped back.
export async function keysetPage<T extends { _id: unknown }>(opts: {
  field: string;
  dir: Direction;
  after?: string;
  before?: string;
  size: number;
  valueOf: (row: T) => unknown;
  find: (filter: Record<string, unknown> | undefined, sort: Record<string, Direction>, limit: number) => Promise<T[]>;
}): Promise<Page<T>> {
  const { field, dir, size } = opts;
  const before = decodeCursor(opts.before);
  const after = before ? undefined : decodeCursor(opts.after);
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
