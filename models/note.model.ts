import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';

// Staff notes on a firm, shown as plain text (never rendered as HTML).
const noteSchema = new Schema(
  {
    firm: { type: Schema.Types.ObjectId, ref: 'Firm', required: true },
    body: { type: String, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byEmail: { type: String },
  },
  { timestamps: true },
);
noteSchema.index({ firm: 1, createdAt: -1 });
// A firm's page keeps its notes with its other records (server/firms/firm-detail.service.ts).
markComputedStaleOnWrite(noteSchema, 'notes');

export type Note = InferSchemaType<typeof noteSchema>;
export const NoteModel = mongoose.model('Note', noteSchema);
