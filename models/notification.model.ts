import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { NOTIFICATION_KINDS } from './enums.js';

// An in-app notice for one user (an investor asked for an introduction, a match was assigned…). The unread count is kept
// on the user (users.unreadNotifications), which every request reads by _id anyway, so the bell costs no query.
const notificationSchema = new Schema({
  user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
  at: { type: Date, required: true, default: () => new Date() },
  read: { type: Boolean, required: true, default: false },
  match: { type: Schema.Types.ObjectId, ref: 'Match' },
  firm: { type: Schema.Types.ObjectId, ref: 'Firm' },
  investor: { type: Schema.Types.ObjectId, ref: 'InvestorOrg' },
  // Values the message is built from (names, stage) at the time it was sent.
  params: { type: Schema.Types.Mixed, default: {} },
});
notificationSchema.index({ user: 1, at: -1, _id: -1 });

export type Notification = InferSchemaType<typeof notificationSchema>;
export const NotificationModel = mongoose.model('Notification', notificationSchema);
