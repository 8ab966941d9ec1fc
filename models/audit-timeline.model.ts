import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// Subset pattern: the latest audit entries of one record (a firm with those of its rounds, people and notes; an investor
// organisation; any other record), addressed by the record's id as a string, so a record's page reads one document.
// Kept beside the record rather than on it: firm and investor documents are read by every list page (FerretDB decodes
// whole documents to filter them), and their edits are guarded by their own version (__v), which history writes must
// not touch. Written by server/audit/audit-views.service.ts.
const auditTimelineSchema = new Schema(
  {
    _id: { type: String, required: true },
    // The newest entries (between AUDIT_SUBSET_SIZE and 1.5× that: trimmed in batches), copies of audit entries.
    entries: { type: [Schema.Types.Mixed], default: [] },
    // Entries per Seoul month ('2026-12': 14): the months whose buckets hold this record's full history.
    count: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);

export type AuditTimeline = InferSchemaType<typeof auditTimelineSchema>;
export const AuditTimelineModel = mongoose.model('AuditTimeline', auditTimelineSchema, 'audittimelines');
