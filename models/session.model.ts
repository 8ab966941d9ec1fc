import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const SESSIONS_COLLECTION = 'sessions';

// One signed-in browser. Read by `_id` only (FerretDB answers nothing else without a scan); expiry is checked in code.
// `userId` lets an admin's password reset or role change end that user's sessions at once.
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    expires: { type: Date, required: true },
    // express-session's data as JSON text (connect-mongo's format, so sessions stored before this store still load).
    session: { type: String, required: true },
    userId: { type: String },
  },
  { versionKey: false, collection: SESSIONS_COLLECTION },
);
// The sweep removes expired sessions (no TTL index on FerretDB); ending a user's sessions finds them by user.
sessionSchema.index({ expires: 1 });
sessionSchema.index({ userId: 1 });

export type StoredSession = InferSchemaType<typeof sessionSchema>;
export const SessionModel = mongoose.model('Session', sessionSchema);
