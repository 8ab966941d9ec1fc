import { Types } from 'mongoose';
import { NotificationModel } from '../../models/notification.model.js';
import { UserModel } from '../../models/user.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { keysetPage } from '../lib/keyset.js';
import type { Named } from '../lib/names.js';
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
  const staff = await UserModel.find({ role: { $in: ['admin', 'staff'] }, active: true }, { _id: 1 })
    .limit(200)
    .lean();
  return staff.map((u) => String(u._id));
}

export async function notificationsOf(userId: string) {
  return NotificationModel.find({ user: userId }).sort({ at: -1, _id: -1 }).limit(PAGE).lean();
}

type StoredNotice = {
  _id: unknown;
  kind: string;
  at: Date;
  read: boolean;
  match?: unknown;
  firm?: unknown;
  investor?: unknown;
  params?: Record<string, unknown> | null;
};

// One page of a user's notices, newest first (keyset on the {user, at, _id} index), with the names of their firms and
// investors (one $in query each).
export async function notificationsPage(userId: string, cursor: { after?: string; before?: string }) {
  const page = await keysetPage<StoredNotice>({
    field: 'at',
    kind: 'date',
    dir: -1,
    after: cursor.after,
    before: cursor.before,
    size: PAGE,
    valueOf: (n) => n.at,
    find: (filter, sort, limit) =>
      NotificationModel.find(filter ? { $and: [{ user: userId }, filter] } : { user: userId })
        .sort(sort)
        .limit(limit)
        .lean<StoredNotice[]>(),
  });
  const ids = (key: 'firm' | 'investor') => [
    ...new Set(
      page.rows
        .map((n) => n[key])
        .filter(Boolean)
        .map(String),
    ),
  ];
  const [firms, investors] = await Promise.all([
    ids('firm').length ? FirmModel.find({ _id: { $in: ids('firm') } }, { nameKo: 1, nameEn: 1 }).lean() : [],
    ids('investor').length
      ? InvestorOrgModel.find({ _id: { $in: ids('investor') } }, { nameKo: 1, nameEn: 1 }).lean()
      : [],
  ]);
  return {
    ...page,
    firms: new Map<string, Named>(firms.map((f) => [String(f._id), f])),
    investors: new Map<string, Named>(investors.map((i) => [String(i._id), i])),
  };
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
