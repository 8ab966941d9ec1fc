import { createHash } from 'node:crypto';
import { ComputedModel, type ComputedSource } from '../../models/computed.model.js';
import { isDuplicateKey } from '../db/db-errors.js';

// Figures kept per source document (models/computed.model.ts); past this many keys (one per day asked, say) the
// document starts over with the figure being stored, so it stays small.
const MAX_KEYS = 32;

// The key of a figure that depends on a value (a list's filter, a page's ids): a short hash of it.
export const computedKey = (prefix: string, of: unknown): string =>
  `${prefix}:${createHash('sha256').update(JSON.stringify(of)).digest('hex').slice(0, 24)}`;

type Stored = { _id: string; gen: number; values?: Record<string, { gen: number; value: unknown }> };

// Reads a figure kept by the computed pattern: one read by `_id` while it is current; otherwise computed from the
// source and stored for the next reader unless a write made it stale meanwhile.
export async function readComputed<T>(source: ComputedSource, key: string, compute: () => Promise<T>): Promise<T> {
  const field = key.replace(/[.$]/g, '_');
  // Only this figure is read: the document may also hold large ones (the investor options) another page needs.
  const doc = await ComputedModel.findById(source, { gen: 1, [`values.${field}`]: 1 }).lean<Stored>();
  const kept = doc?.values?.[field];
  if (doc && kept && kept.gen === doc.gen) return kept.value as T;
  const gen = doc?.gen ?? 0;
  if (!doc) {
    try {
      await ComputedModel.create({ _id: source, gen, values: {} });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another reader or a write created it first
    }
  }
  const value = await compute();
  const entry = { gen, value };
  const tooMany = (await keptKeys(source)) >= MAX_KEYS;
  await ComputedModel.updateOne(
    { _id: source, gen },
    { $set: tooMany ? { values: { [field]: entry } } : { [`values.${field}`]: entry } },
  );
  return value;
}

// How many figures the document keeps (read only when one is stored).
async function keptKeys(source: ComputedSource): Promise<number> {
  const doc = await ComputedModel.findById(source, { values: 1 }).lean<Stored>();
  return Object.keys(doc?.values ?? {}).length;
}
