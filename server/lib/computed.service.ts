import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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

type Generations = { source: ComputedSource; gen: number; gens: number[] };

// The generations of a figure's sources (the first's, then the others'), and the figure `<first source>:<key>` stored
// under them if any: one read by `_id`.
async function readGenerations(
  sources: ComputedSource | readonly ComputedSource[],
  key: string,
): Promise<Generations & { id: string; kept: Stored | undefined }> {
  const [source, ...others] = typeof sources === 'string' ? [sources] : sources;
  if (!source) throw new Error('readComputed: no source');
  const id = `${source}:${key}`;
  // (Only gen and the figure: a source document written by an earlier version may still hold its figures as `values`.)
  const docs = await ComputedModel.find({ _id: { $in: [source, ...others, id] } }, { gen: 1, gens: 1, packed: 1 }).lean<
    Stored[]
  >();
  const genOf = (s: string) => docs.find((d) => d._id === s)?.gen ?? 0;
  return { source, gen: genOf(source), gens: others.map(genOf), id, kept: docs.find((d) => d._id === id) };
}

// (By its BSON type: the driver's copy of the BSON library may not be the app's.)
const isPacked = (doc: Stored | null | undefined): doc is Stored & { packed: BSON.Binary } =>
  (doc?.packed as { _bsontype?: string } | undefined)?._bsontype === 'Binary';

const isCurrent = (kept: Stored | undefined, { gen, gens }: Generations): kept is Stored & { packed: BSON.Binary } =>
  // (A figure an earlier version kept unpacked, as `value`, has no `packed`: it is computed again.)
  isPacked(kept) && kept.gen === gen && gens.every((g, i) => kept.gens?.[i] === g);

// Stores a figure computed at the generations read before computing it: never over one of a later generation (another
// reader's, after a write). ($lte, not $lt: a figure of the same generation in an older shape is replaced.)
async function storeFigure(id: string, { source, gen, gens }: Generations, value: unknown): Promise<void> {
  try {
    const packed = packFigure(value);
    const $set = gens.length ? { source, gen, gens, packed } : { source, gen, packed };
    await ComputedModel.updateOne({ _id: id, gen: { $lte: gen } }, { $set, $unset: { value: 1 } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

// Figures of earlier generations are stale for good (one per day asked, say): they go, so the collection stays small.
const dropStale = ({ source, gen }: Generations) => ComputedModel.deleteMany({ source, gen: { $lt: gen } });

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
  const read = await readGenerations(sources, key);
  const { id, kept } = read;
  if (isCurrent(kept, read)) {
    const value = unpackFigure(kept.packed);
    if (!shape) return value as T;
    const parsed = shape.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  const value = await compute();
  await storeFigure(id, read, value);
  await dropStale(read);
  return value;
}

// Where a long output (a CSV export) comes from when it is made afresh: its items, and its bytes for a run of them (the
// first run's with what goes before the items, a header say). The runs' bytes joined are the whole output.
export type PartsSource<T> = { items: AsyncIterable<T> | Iterable<T>; encode: (items: T[], first: boolean) => Buffer };

// Items in a part: an export of 10,000 firms is ten parts of some 150 KB (deflated), read one at a time; the town's
// firms fit in one (each read is a command the app spends time on too).
const PART_ITEMS = 1000;
const DEFLATED = z.instanceof(BSON.Binary);
const PART_SHAPE = z.object({ deflated: DEFLATED });
// The list of the parts holds the first one: it is read with the sources' generations, so an output of one part (the
// town's export) is one command.
const MANIFEST_SHAPE = z.object({ parts: z.number().int().min(1), first: DEFLATED });

// A long output kept by the computed pattern in parts: while it is current, its parts are read by `_id` one at a time
// and sent as they were stored (deflated), so memory stays flat however long it is; otherwise it is made afresh from
// its items, sent as it is made, and stored part by part, the list of its parts (with the first) last, for the next
// reader. A part gone under a reader (a later generation's reader removed it) is made afresh from the items after
// those already sent, as a database cursor would give them.
export async function* readComputedParts<T>(
  sources: ComputedSource | readonly ComputedSource[],
  key: string,
  open: () => PartsSource<T> | Promise<PartsSource<T>>,
): AsyncGenerator<Buffer> {
  const read = await readGenerations(sources, `${key}:${PART_ITEMS}`);
  const { id, kept } = read;
  const partId = (n: number) => `${id}:${[read.gen, ...read.gens].join('.')}:${n}`;
  const manifest = isCurrent(kept, read) ? MANIFEST_SHAPE.safeParse(unpackFigure(kept.packed)) : undefined;
  if (manifest?.success) {
    yield inflateRawSync(manifest.data.first.buffer);
    for (let n = 1; n < manifest.data.parts; n++) {
      const part = await ComputedModel.findById(partId(n), { packed: 1 }).lean<Stored>();
      const bytes = isPacked(part) && PART_SHAPE.safeParse(unpackFigure(part.packed));
      if (!bytes || !bytes.success) {
        yield* freshParts(await open(), n * PART_ITEMS);
        return;
      }
      yield inflateRawSync(bytes.data.deflated.buffer);
    }
    return;
  }
  let parts = 0;
  let first: BSON.Binary | undefined;
  for await (const bytes of freshParts(await open())) {
    const deflated = new BSON.Binary(deflateRawSync(bytes));
    if (parts === 0) first = deflated;
    else await storeFigure(partId(parts), read, { deflated });
    parts += 1;
    yield bytes;
  }
  await storeFigure(id, read, { parts, first });
  await dropStale(read);
}

// The output made afresh, a part at a time, from its items after the first `skip` (at least one part: the header).
async function* freshParts<T>({ items, encode }: PartsSource<T>, skip = 0): AsyncGenerator<Buffer> {
  let run: T[] = [];
  let seen = 0;
  let sent = skip;
  for await (const item of items) {
    if (seen++ < skip) continue;
    run.push(item);
    if (run.length === PART_ITEMS) {
      yield encode(run, sent === 0);
      sent += run.length;
      run = [];
    }
  }
  if (run.length || sent === 0) yield encode(run, sent === 0);
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
