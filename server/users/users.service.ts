import type { Types } from 'mongoose';
import { UserModel } from '../../models/user.model.js';
import { Conflict, NotFound, ValidationFailed } from '../lib/app-error.js';
import { atVersion, nextVersion, versionOf } from '../lib/edit-conflict.js';
import { hashPassword, verifyPassword, type CredentialCheck, type SessionUser } from '../auth/index.js';
import { recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import type { CreateUserInput, UpdateUserInput } from './users.schemas.js';
import { endSessionsOf } from '../sessions/index.js';

// A password change in the audit log: that it changed, never the value.
export const PASSWORD_CHANGED = [{ field: 'password', before: '••••', after: '•••• (changed)' }];

export function toSessionUser(u: {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: SessionUser['role'];
  investorOrg?: Types.ObjectId | null;
  unreadNotifications?: number | null;
}): SessionUser {
  return {
    id: String(u._id),
    email: u.email,
    name: u.name,
    role: u.role,
    investorOrg: u.investorOrg ? String(u.investorOrg) : undefined,
    unreadNotifications: u.unreadNotifications ?? 0,
  };
}

// 'deactivated' only with the right password: a wrong one reads the same for every account, so attackers learn no account state.
export async function checkCredentials(email: string, password: string): Promise<CredentialCheck> {
  const user = await UserModel.findOne({ email: email.trim().toLowerCase() }).lean();
  // An invited account has no password until its invitation is accepted: nothing matches it.
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok) return { outcome: 'wrong' };
  if (!user.active) return { outcome: 'deactivated' };
  await UserModel.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
  return { outcome: 'ok', user: toSessionUser(user) };
}

// Sign-ins go to the audit log too, so "who was in the system when" can be answered.
export async function recordLogin(user: SessionUser): Promise<void> {
  await recordAudit({
    actor: { id: user.id, email: user.email },
    entity: 'user',
    entityId: user.id,
    entityLabel: user.email,
    action: 'login',
  });
}

export async function findActiveUserById(id: string): Promise<SessionUser | undefined> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return undefined;
  // A bare _id lookup with `active` checked here: FerretDB serves only `_id` equality without reading every user.
  const user = await UserModel.findById(id).lean();
  return user?.active ? toSessionUser(user) : undefined;
}

// Every account, with `invited` for those still without a password of their own (the hash itself never leaves here).
export async function listUsers() {
  const users = await UserModel.find({}).sort({ email: 1 }).limit(500).lean();
  return users.map(({ passwordHash, ...u }) => ({ ...u, invited: !passwordHash }));
}

export async function getUser(id: string) {
  const found = await UserModel.findById(id).lean();
  if (!found) throw NotFound('user');
  const { passwordHash, ...user } = found;
  return { ...user, invited: !passwordHash };
}

// A new account has no password: the invitation link the caller issues next lets the invitee set their own.
export async function createUser(input: CreateUserInput, actor: Actor | null) {
  const existing = await UserModel.exists({ email: input.email });
  if (existing) throw Conflict('email taken', { email: ['validation.emailTaken'] });
  const user = await UserModel.create({
    email: input.email,
    name: input.name,
    role: input.role,
    investorOrg: input.role === 'investor' ? input.investorOrg : undefined,
    active: true,
  });
  await recordAudit({
    actor,
    entity: 'user',
    entityId: user._id,
    entityLabel: user.email,
    action: 'create',
    changes: diffFields({}, { email: user.email, name: user.name, role: user.role, investorOrg: user.investorOrg }),
    version: versionOf(user),
  });
  return user;
}

// Saves only while the account is at the version the editor loaded (`_version`; without one, as stored now), moving it
// to the next; otherwise an edit conflict (server/lib/edit-conflict.ts). A save that changes nothing writes nothing.
export async function updateUser(id: string, input: UpdateUserInput, actor: Actor) {
  const before = await UserModel.findById(id).lean();
  if (!before) throw NotFound('user');
  const version = input._version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(id, version);
  const active = input.active === undefined ? before.active : input.active === 'true';
  if (String(before._id) === actor.id) {
    // Each refusal beside the field that asked for it (deactivating oneself was told under the role).
    const refused = {
      ...(input.role !== 'admin' ? { role: ['users.cannotDemoteSelf'] } : {}),
      ...(!active ? { active: ['users.cannotDeactivateSelf'] } : {}),
    };
    if (Object.keys(refused).length) throw Conflict('cannot demote self', refused);
  }
  const investorOrg = input.role === 'investor' ? input.investorOrg : null;
  const set: Record<string, unknown> = { name: input.name, role: input.role, active, investorOrg };
  const changes = diffFields(
    { name: before.name, role: before.role, active: before.active, investorOrg: before.investorOrg },
    { name: set.name, role: set.role, active: set.active, investorOrg: set.investorOrg },
  );
  if (!changes.length) return;
  const saved = await UserModel.findOneAndUpdate({ _id: id, ...atVersion(version) }, nextVersion(set), {
    returnDocument: 'after',
  }).lean();
  if (!saved) throw await editConflictSince(id, version);
  await recordAudit({
    actor,
    entity: 'user',
    entityId: before._id,
    entityLabel: before.email,
    action: 'update',
    changes,
    version: versionOf(saved),
  });
  // Another role or a deactivation takes effect at once: the user's open sessions end.
  if (set.role !== before.role || String(investorOrg ?? '') !== String(before.investorOrg ?? '') || !active) {
    await endSessionsOf(String(before._id));
  }
}

// A user changes their own password: the current one is required (a wrong one is a field error), and their other
// sessions end (this one stays).
export async function changeOwnPassword(
  userId: string,
  input: { currentPassword: string; newPassword: string },
  currentSessionId: string,
): Promise<void> {
  const user = await UserModel.findById(userId).lean();
  if (!user?.active) throw NotFound('user');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw ValidationFailed({ currentPassword: ['account.wrongCurrent'] });
  await UserModel.updateOne({ _id: user._id }, { $set: { passwordHash: await hashPassword(input.newPassword) } });
  await recordAudit({
    actor: { id: userId, email: user.email },
    entity: 'user',
    entityId: user._id,
    entityLabel: user.email,
    action: 'update',
    changes: PASSWORD_CHANGED,
  });
  await endSessionsOf(userId, currentSessionId);
}
