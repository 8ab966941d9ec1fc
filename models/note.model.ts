import mongoose, { Schema, type InferSchemaType } from 'mongoose';

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

export type Note = InferSchemaType<typeof noteSchema>;
export const NoteModel = mongoose.model('Note', noteSchema);
