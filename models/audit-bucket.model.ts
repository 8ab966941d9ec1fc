import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// Derived views of the audit log (the flat audit entries stay the record of truth; server/audit/audit-views.service.ts
// keeps these in step and rebuildAuditViews() recomputes them). FerretDB v1 only looks a document up without scanning when
// the filter is `_id` equality alone, so every read and every write of these collections is addressed by `_id`.

// Bucket pattern: entries grouped by Seoul day (`day:2026-12-01`, overflow `day:2026-12-01#2`, …) for the audit log, and
// by subject and Seoul month (`sub:<record id>:2026-12`, `#2`, …) for a record's full history. An entry's place in a day
// or month comes from the day's (month's) running count, so a bucket holds at most AUDIT_BUCKET_SIZE entries.
const auditBucketSchema = new Schema(
  {
    _id: { type: String, required: true },
    // Copies of audit entries (models/audit-entry.model.ts, with their _id), in no particular order.
    entries: { type: [Schema.Types.Mixed], default: [] },
  },
  { versionKey: false },
);

// The days that have entries, one document per Seoul year (`_id: '2026'`, `count: { '2026-12-01': 57 }`), and the list of
// those years (`_id: 'years'`): the audit log walks days through these instead of querying the buckets.
const auditDayIndexSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Schema.Types.Mixed },
    years: { type: [String], default: undefined },
  },
  { versionKey: false },
);

export type AuditBucket = InferSchemaType<typeof auditBucketSchema>;
export const AuditBucketModel = mongoose.model('AuditBucket', auditBucketSchema, 'auditbuckets');
export const AuditDayIndexModel = mongoose.model('AuditDayIndex', auditDayIndexSchema, 'auditdays');
