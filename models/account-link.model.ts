import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ACCOUNT_LINK_KINDS } from './enums.js';

// A one-time link sent to a user (server/users/account-links.service.ts). Only the SHA-256 of its 32 random bytes is
// stored; the link itself exists in clear only in the page or email that carries it. Used once (`usedAt`), revoked by an
// admin or by a newer link (`revokedAt`), or past `expiresAt`, it no longer works.
const accountLinkSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: ACCOUNT_LINK_KINDS, required: true },
    hash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    revokedAt: { type: Date },
    // The admin who issued it; none for a reset asked for on the "forgot password" page.
    createdByEmail: { type: String },
  },
  { timestamps: true },
);
accountLinkSchema.index({ hash: 1 }, { unique: true });
accountLinkSchema.index({ user: 1, createdAt: -1 });

export type AccountLink = InferSchemaType<typeof accountLinkSchema>;
export const AccountLinkModel = mongoose.model('AccountLink', accountLinkSchema);
