import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// A token for the read-only reports API. Only the SHA-256 of the token is stored (the token itself is shown once, when
// issued); `hint` is its first characters, so admins can tell tokens apart.
const apiTokenSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    hash: { type: String, required: true },
    hint: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdByEmail: { type: String },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
    revokedByEmail: { type: String },
  },
  { timestamps: true },
);
apiTokenSchema.index({ hash: 1 }, { unique: true });
apiTokenSchema.index({ createdAt: -1, _id: -1 });

export type ApiToken = InferSchemaType<typeof apiTokenSchema>;
export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);
