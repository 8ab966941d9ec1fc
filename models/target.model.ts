import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';
import { TARGET_METRICS } from './enums.js';

// A value on a calendar day (YYYY-MM-DD): won for money metrics, a count otherwise.
const pointSchema = new Schema(
  { value: { type: Number, required: true }, on: { type: String, required: true } },
  { _id: false },
);

// A reporting target: a metric, where it stood (baseline), where it should be by when (target), optional interim milestones.
// How each metric is counted is fixed in code (server/reports/report-metrics.ts) and described per metric in the locales.
const targetSchema = new Schema(
  {
    nameKo: { type: String, trim: true },
    nameEn: { type: String, trim: true },
    metric: { type: String, enum: TARGET_METRICS, required: true },
    baseline: { type: pointSchema, required: true },
    target: { type: pointSchema, required: true },
    milestones: { type: [pointSchema], default: [] },
    // Shown in this order on the dashboard.
    order: { type: Number, default: 0 },
  },
  { timestamps: true },
);
targetSchema.index({ order: 1, _id: 1 });
// The audit log's kept names (server/audit/audit-refs.service.ts) name targets.
markComputedStaleOnWrite(targetSchema, 'targets');

export type Target = InferSchemaType<typeof targetSchema>;
export const TargetModel = mongoose.model('Target', targetSchema);
