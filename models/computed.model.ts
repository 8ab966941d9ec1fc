import mongoose, { Schema } from 'mongoose';

// The computed pattern: a figure derived from a growing collection (the dashboard's counts over all firms) is kept in one
// document read by `_id`. A write to the source bumps `gen`; a reader that finds `computedGen` behind `gen` recomputes
// from the source and stores the result only if no write bumped `gen` in the meantime, so a stale figure is never kept.
const computedSchema = new Schema(
  {
    _id: { type: String, required: true },
    gen: { type: Number, default: 0 },
    computedGen: { type: Number, default: -1 },
    value: { type: Schema.Types.Mixed },
    computedAt: { type: Date },
  },
  { versionKey: false, minimize: false },
);

export const COMPUTED_COLLECTION = 'computed';
export const ComputedModel = mongoose.model('Computed', computedSchema, COMPUTED_COLLECTION);

// Marks the figure stale: the next reader recomputes it.
export async function invalidateComputed(key: string): Promise<void> {
  await ComputedModel.updateOne({ _id: key }, { $inc: { gen: 1 } }, { upsert: true });
}

// After writes that bypass the models (a restore, the bulk seed): every kept figure is recomputed on its next read.
export async function invalidateAllComputed(): Promise<void> {
  await ComputedModel.updateMany({}, { $inc: { gen: 1 } });
}
