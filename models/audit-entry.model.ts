import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { AUDIT_ACTIONS } from './enums.js';

const changeSchema = new Schema(
  { field: { type: String, required: true }, before: Schema.Types.Mixed, after: Schema.Types.Mixed },
  { _id: false },
);

// Append-only: the app inserts entries and never updates or deletes them.
const auditEntrySchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  actor: { type: Schema.Types.ObjectId, ref: 'User' },
  actorEmail: { type: String },
  entity: { type: String, required: true },
  entityId: { type: Schema.Types.ObjectId, required: true },
  entityLabel: { type: String },
  action: { type: String, enum: AUDIT_ACTIONS, required: true },
  changes: { type: [changeSchema], default: [] },
  version: { type: Number },
  importId: { type: Schema.Types.ObjectId },
  // Lets a firm's history show edits to its rounds, people and notes too.
  firm: { type: Schema.Types.ObjectId },
});
auditEntrySchema.index({ entityId: 1, at: -1 });
auditEntrySchema.index({ firm: 1, at: -1 });
auditEntrySchema.index({ at: -1, _id: -1 });
auditEntrySchema.index({ entity: 1, at: -1, _id: -1 });
auditEntrySchema.index({ actorEmail: 1, at: -1, _id: -1 });

export type AuditEntry = InferSchemaType<typeof auditEntrySchema>;
export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema);
