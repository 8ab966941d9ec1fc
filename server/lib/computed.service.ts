import { ComputedModel, type ComputedSource } from '../../models/computed.model.js';
import { isDuplicateKey } from '../db/db-errors.js';

// Figures kept per source document (models/computed.model.ts); past this many keys (one per day asked, say) the
// document starts over with the figure being stored, so it stays small.
const MAX_KEYS = 32;

type Stored = { _id: string; gen: number; values?: Record<string, { gen: number; value: unknown }> };

// Reads a figure kept by the computed pattern: one read by `_id` while it is current; otherwise computed from the
// source and stored for the next reader unless a write made it stale meanwhile.
export async function readComputed<T>(source: ComputedSource, key: string, compute: () => Promise<T>): Promise<T> {
  const field = key.replace(/[.$]/g, '_');
  const doc = await ComputedModel.findById(source).lean<Stored>();
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
  const tooMany = Object.keys(doc?.values ?? {}).length >= MAX_KEYS;
  await ComputedModel.updateOne(
    { _id: source, gen },
    { $set: tooMany ? { values: { [field]: entry } } : { [`values.${field}`]: entry } },
  );
  return value;
}
