import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import { z } from 'zod';
import { ComputedModel, type ComputedSource } from '../../models/computed.model.js';
import { isDuplicateKey } from '../db/db-errors.js';

// (for the app's other kept things, server/lib/kept-html.ts: services alone import models)
export type { ComputedSource };

// The key of a figure that depends on a value (a list's filter, a page's ids): a short hash of it.
export const computedKey = (prefix: string, of: unknown): string =>
  `${prefix}:${createHash('sha256').update(JSON.stringify(of)).digest('hex').slice(0, 24)}`;

type Stored = { _id: string; gen: number; gens?: number[]; packed?: BSON.Binary };

// A figure's value is stored packed: its BSON as one binary field. The embedded database keeps each document as JSON
// and rebuilds every field of it on each read: the board's cards (33 KB, some 3,000 fields) took 17–20 ms to read one
// at a time as fields and 4 ms packed, and under load that work took the CPU the app needed. Genuine MongoDB returns
// either as stored; the app unpacks the same BSON the driver would have read. Dates, ids and numbers come back as they
// went in.
export const packFigure = (value: unknown): BSON.Binary => new BSON.Binary(BSON.serialize({ v: value }));
export const unpackFigure = (packed: BSON.Binary): unknown => BSON.deserialize(packed.buffer).v;

// Reads a figure kept by the computed pattern (models/computed.model.ts): one read by `_id` (the source's document and
// the figure's) while it is current; otherwise computed from the source and stored for the next reader. Figures outlive
// a deploy: given its shape, a figure kept by an earlier version in another shape is computed again, not misread. A
// figure over several sources (the board's cards carry their firms' and investors' names) is current while every one of
// them is at the gen it was computed at; it belongs to the first.
export async function readComputed<T>(
  sources: ComputedSource | readonly ComputedSource[],
  key: string,
  compute: () => Promise<T>,
  shape?: z.ZodType<T>,
): Promise<T> {
  const [source, ...others] = typeof sources === 'string' ? [sources] : sources;
  if (!source) throw new Error('readComputed: no source');
  const id = `${source}:${key}`;
  // (Only gen and the figure: a source document written by an earlier version may still hold its figures as `values`.)
  const docs = await ComputedModel.find({ _id: { $in: [source, ...others, id] } }, { gen: 1, gens: 1, packed: 1 }).lean<
    Stored[]
  >();
  const genOf = (s: string) => docs.find((d) => d._id === s)?.gen ?? 0;
  const gen = genOf(source);
  const gens = others.map(genOf);
  const kept = docs.find((d) => d._id === id);
  // (A figure an earlier version kept unpacked, as `value`, has no `packed`: it is computed again.)
  if (kept?.packed && kept.gen === gen && gens.every((g, i) => kept.gens?.[i] === g)) {
    const value = unpackFigure(kept.packed);
    if (!shape) return value as T;
    const parsed = shape.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  const value = await compute();
  try {
    // Never over a figure of a later generation (another reader's, after a write).
    // ($lte, not $lt: a figure of the same generation in an older shape is replaced.)
    const packed = packFigure(value);
    const $set = others.length ? { source, gen, gens, packed } : { source, gen, packed };
    await ComputedModel.updateOne({ _id: id, gen: { $lte: gen } }, { $set, $unset: { value: 1 } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  // Figures of earlier generations are stale for good (one per day asked, say): they go, so the collection stays small.
  await ComputedModel.deleteMany({ source, gen: { $lt: gen } });
  return value;
}

const IDS = z.array(z.string());

// Which documents a filter finds, as their ids, kept by the computed pattern: for a filter through an array (an index of
// an array on MongoDB, but the embedded database reads the whole collection to answer it); the caller then reads the
// documents by _id.
export async function readComputedIds(
  source: ComputedSource,
  key: string,
  find: () => Promise<{ _id: unknown }[]>,
): Promise<string[]> {
  return readComputed(source, key, async () => (await find()).map((d) => String(d._id)), IDS);
}
