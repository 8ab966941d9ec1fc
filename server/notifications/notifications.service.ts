import { Types } from 'mongoose';
import { NotificationModel } from '../../models/notification.model.js';
import { UserModel } from '../../models/user.model.js';
import type { NotificationKind } from '../../models/enums.js';

export type NotificationInput = {
  kind: NotificationKind;
  match?: string;
  firm?: string;
  investor?: string;
  params?: Record<string, string | number>;
};

const PAGE = 50;

// Puts a notice in each user's list and counts it on the user (the bell reads the count with the user, no query).
export async function notify(userIds: readonly string[], input: NotificationInput): Promise<void> {
  const users = [...new Set(userIds)].filter((id) => Types.ObjectId.isValid(id));
  if (!users.length) return;
  const at = new Date();
  await NotificationModel.insertMany(users.map((user) => ({ user, at, read: false, ...input })));
  await UserModel.updateMany({ _id: { $in: users } }, { $inc: { unreadNotifications: 1 } });
}

// Who hears of an investor's answer: the match's owner, or every active staff member and admin when it has none.
export async function staffToNotify(ownerId?: string | null): Promise<string[]> {
  if (ownerId) return [ownerId];
  const staff = await UserModel.find({ role: { $in: ['admin', 'staff'] }, active: true }, { _id: 1 }).limit(200).lean();
  return staff.map((u) => String(u._id));
}

export async function notificationsOf(userId: string) {
  return NotificationModel.find({ user: userId }).sort({ at: -1, _id: -1 }).limit(PAGE).lean();
}

// Marks all of a user's notices read and resets the count (recomputed from the source, never decremented blindly).
export async function markAllRead(userId: string): Promise<void> {
  await NotificationModel.updateMany({ user: userId, read: false }, { $set: { read: true } });
  await UserModel.updateOne({ _id: userId }, { $set: { unreadNotifications: 0 } });
}

// The unread count from the notices themselves, for tests and repair.
export async function countUnread(userId: string): Promise<number> {
  return NotificationModel.countDocuments({ user: userId, read: false });
}
