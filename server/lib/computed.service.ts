import { ComputedModel } from '../../models/computed.model.js';
import { isDuplicateKey } from '../db/db-errors.js';

// Reads a figure kept by the computed pattern (models/computed.model.ts): one read by `_id` while it is current;
// otherwise computed from the source and stored for the next reader unless a write made it stale meanwhile.
export async function readComputed<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const doc = await ComputedModel.findById(key).lean();
  if (doc && doc.computedGen === doc.gen) return doc.value as T;
  const gen = doc?.gen ?? 0;
  if (!doc) {
    try {
      await ComputedModel.create({ _id: key, gen });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another reader created it first
    }
  }
  const value = await compute();
  await ComputedModel.updateOne({ _id: key, gen }, { $set: { value, computedGen: gen, computedAt: new Date() } });
  return value;
}
