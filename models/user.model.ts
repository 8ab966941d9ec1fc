import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { ROLES } from './enums.js';
import { markComputedStaleOnWrite } from './computed.model.js';

const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    role: { type: String, enum: ROLES, required: true },
    investorOrg: { type: Schema.Types.ObjectId, ref: 'InvestorOrg' },
    active: { type: Boolean, default: true },
    // None until an invited user sets their own through their invitation link (server/users/account-links.service.ts).
    passwordHash: { type: String },
    lastLoginAt: { type: Date },
    // Maintained with each notification sent or read (the bell's count, read with the user on every request).
    unreadNotifications: { type: Number, default: 0 },
  },
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1, email: 1 });
// The audit log's kept names (server/audit/audit-refs.service.ts) name users: any write but a sign-in, a password or the
// bell's count marks them.
markComputedStaleOnWrite(userSchema, 'users', ['lastLoginAt', 'updatedAt', 'passwordHash', 'unreadNotifications']);

export type User = InferSchemaType<typeof userSchema>;
export type UserDoc = HydratedDocument<User>;
export const UserModel = mongoose.model('User', userSchema);
