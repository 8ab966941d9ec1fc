import mongoose, { Schema, type Query, type UpdateQuery } from 'mongoose';

// The computed pattern: figures derived from a growing collection (the dashboard's counts over all firms, the cohort on
// a day, the deal-flow funnel, a list's count, a narrowed list's matches, the investor options) are kept as documents
// read by `_id`. Each source collection has one document holding its `gen`, which every write to the source bumps; each
// figure is a document of its own (`<source>:<key>`, so a large one such as the investor options is never read with a
// small one) holding the `gen` it was computed at. A figure is current while its `gen` equals its source's; a reader
// that finds it stale recomputes it and stores it tagged with the `gen` it read before computing, so a write meanwhile
// leaves it stale. Nothing is held in process memory: any number of app instances share the figures.
// 'firmActivity' is marked by every firm write, a firm's last activity included, which 'firms' leaves out: a figure that
// shows last activity (the firm list's pages, a firm's records) takes it in place of 'firms', which it covers.
// 'audit' is marked after each write of the audit log's views (server/audit/audit-views.service.ts).
export type ComputedSource =
  | 'audit'
  | 'firms'
  | 'firmActivity'
  | 'investors'
  | 'matches'
  | 'notes'
  | 'people'
  | 'reports'
  | 'rounds'
  | 'targets'
  | 'users';

const computedSchema = new Schema(
  {
    _id: { type: String, required: true },
    gen: { type: Number, default: 0 },
    // A figure over several sources: the gens of the sources after the first (whose gen is `gen`), in the order read.
    gens: { type: [Number], default: undefined },
    // A figure's document: its source and its value, packed (server/lib/computed.service.ts; a source's own document
    // has neither). `value` is where an earlier version kept it unpacked: such a figure is computed again.
    source: { type: String },
    packed: { type: Schema.Types.Mixed },
    value: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
// The figures of older generations of a source, removed when one is stored.
computedSchema.index({ source: 1, gen: 1 });

export const COMPUTED_COLLECTION = 'computed';
export const ComputedModel = mongoose.model('Computed', computedSchema, COMPUTED_COLLECTION);

// Marks every figure of the source stale: each is recomputed on its next read.
export async function invalidateComputed(source: ComputedSource): Promise<void> {
  await ComputedModel.updateOne({ _id: source }, { $inc: { gen: 1 } }, { upsert: true });
}

// After writes that bypass the models (a restore, the bulk seed): every figure goes, and is recomputed on its next read.
export async function invalidateAllComputed(): Promise<void> {
  await ComputedModel.deleteMany({});
}

const WRITES: Array<'updateOne' | 'updateMany' | 'findOneAndUpdate' | 'replaceOne'> = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
];
const DELETES: Array<'deleteOne' | 'deleteMany' | 'findOneAndDelete'> = ['deleteOne', 'deleteMany', 'findOneAndDelete'];

// The paths an update writes ("$set": {"a.b": …} → "a.b"; a replacement's own keys).
function updatedPaths(update: UpdateQuery<unknown> | null | undefined): string[] | null {
  if (!update || Array.isArray(update)) return null;
  return Object.entries(update).flatMap(([key, value]) =>
    key.startsWith('$') ? (value && typeof value === 'object' ? Object.keys(value as object) : []) : [key],
  );
}

// Installs the marking on a source model's schema (before the model is compiled): any create, update or delete through
// the model marks the source's figures stale, except an update that only writes `ignored` fields (a firm's last
// activity, say). Writes through the raw collection call invalidateComputed themselves.
export function markComputedStaleOnWrite(
  schema: Schema,
  source: ComputedSource,
  ignored: readonly string[] = [],
): void {
  const mark = () => invalidateComputed(source);
  schema.post('save', mark);
  schema.post(WRITES, async function (this: Query<unknown, unknown>) {
    const paths = updatedPaths(this.getUpdate());
    if (!paths || paths.some((p) => !ignored.some((f) => p === f || p.startsWith(`${f}.`)))) await mark();
  });
  schema.post(DELETES, mark);
  schema.post('insertMany', mark);
  schema.post('bulkWrite', mark);
}
