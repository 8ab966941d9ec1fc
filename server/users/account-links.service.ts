import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { AccountLinkModel } from '../../models/account-link.model.js';
import type { AccountLinkKind } from '../../models/enums.js';
import { UserModel } from '../../models/user.model.js';
import { Conflict, NotFound } from '../lib/app-error.js';
import { hashPassword, type SessionUser } from '../auth/index.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { endSessionsOf } from '../sessions/index.js';
import { linkProblem, linkExpiry, type LinkProblem } from './account-link-rules.js';
import { PASSWORD_CHANGED, toSessionUser } from './users.service.js';

// One-time account links: an invitation (the invitee sets their first password) or a password reset. The token is 32
// random bytes (base64url, 43 characters); only its SHA-256 is stored, so the database never holds a working link.
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const LINK_PATHS: Record<AccountLinkKind, string> = { invite: '/account/invite/', reset: '/account/reset/' };

// A link just issued: its token exists in clear only here, for the page or the email that carries it.
export type IssuedLink = { kind: AccountLinkKind; token: string; path: string; expiresAt: Date };

// Who a link is for, as its email and page need them.
export type LinkHolder = { id: string; email: string; name: string };

type UserRow = {
  _id: Types.ObjectId;
  email: string;
  name: string;
  active?: boolean | null;
  passwordHash?: string | null;
};

// Earlier links of the user that still work stop working (a re-issued invitation, a second reset request).
async function revokeOpenLinks(userId: Types.ObjectId | string, now: Date): Promise<number> {
  const res = await AccountLinkModel.updateMany(
    { user: userId, usedAt: { $exists: false }, revokedAt: { $exists: false } },
    { $set: { revokedAt: now } },
  );
  return res.modifiedCount;
}

async function createLink(
  user: UserRow,
  kind: AccountLinkKind,
  by: string | undefined,
  now: Date,
): Promise<IssuedLink> {
  await revokeOpenLinks(user._id, now);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = linkExpiry(kind, now);
  await AccountLinkModel.create({ user: user._id, kind, hash: hashToken(token), expiresAt, createdByEmail: by });
  return { kind, token, path: LINK_PATHS[kind] + token, expiresAt };
}

const holderOf = (u: UserRow): LinkHolder => ({ id: String(u._id), email: u.email, name: u.name });

// An admin invites (again): only an account without a password of its own; the older invitation stops working.
export async function issueInvitation(userId: string, actor: Actor, now = new Date()) {
  const user = await UserModel.findById(userId).lean();
  if (!user) throw NotFound('user');
  if (user.passwordHash) throw Conflict('already has a password', { link: ['account.access.alreadyAccepted'] });
  const before = await AccountLinkModel.exists({ user: user._id, kind: 'invite' });
  const link = await createLink(user, 'invite', actor.email, now);
  await recordAudit({
    actor,
    entity: 'user',
    entityId: user._id,
    entityLabel: user.email,
    action: before ? 'reinvite' : 'invite',
  });
  return { link, holder: holderOf(user) };
}

// A reset link for an account that has a password, issued by an admin: a deactivated or not yet accepted account is
// refused with why.
export async function issueResetLink(userId: string, actor: Actor, now = new Date()) {
  const user = await UserModel.findById(userId).lean();
  if (!user) throw NotFound('user');
  if (!user.passwordHash || !user.active) {
    throw Conflict('no password to reset', {
      link: [user.active ? 'account.access.notAcceptedYet' : 'account.access.deactivated'],
    });
  }
  return resetLinkFor(user, actor, now);
}

// A reset link asked for on the "forgot password" page: an unknown, deactivated or not yet accepted account gets none
// (and the caller answers the same either way).
export async function requestResetLink(email: string, now = new Date()) {
  const user = await UserModel.findOne({ email: email.trim().toLowerCase() }).lean();
  if (!user?.passwordHash || !user.active) return undefined;
  return resetLinkFor(user, null, now);
}

async function resetLinkFor(user: UserRow, actor: Actor | null, now: Date) {
  const link = await createLink(user, 'reset', actor?.email, now);
  await recordAudit({
    actor,
    entity: 'user',
    entityId: user._id,
    entityLabel: user.email,
    action: 'reset-link',
  });
  return { link, holder: holderOf(user) };
}

// An admin withdraws the user's links that still work.
export async function revokeLinks(userId: string, actor: Actor, now = new Date()): Promise<number> {
  const user = await UserModel.findById(userId, { email: 1 }).lean();
  if (!user) throw NotFound('user');
  const revoked = await revokeOpenLinks(user._id, now);
  if (revoked) {
    await recordAudit({ actor, entity: 'user', entityId: user._id, entityLabel: user.email, action: 'revoke-link' });
  }
  return revoked;
}

// The user's newest link (for the admin's page: open, used, revoked or expired, and until when).
export async function latestLinkOf(userId: string) {
  return AccountLinkModel.findOne({ user: userId }, { hash: 0 }).sort({ createdAt: -1 }).lean();
}

export type LinkCheck = { ok: true; holder: LinkHolder } | { ok: false; problem: LinkProblem };

// Whether a link works, without using it (its page shows the form, or why it does not work).
export async function checkLink(kind: AccountLinkKind, token: string, now = new Date()): Promise<LinkCheck> {
  if (!TOKEN.test(token)) return { ok: false, problem: 'unknown' };
  const link = await AccountLinkModel.findOne({ hash: hashToken(token) }).lean();
  const user = link && link.kind === kind ? await UserModel.findById(link.user).lean() : null;
  const problem = linkProblem(link?.kind === kind ? link : null, user, now);
  return problem ? { ok: false, problem } : { ok: true, holder: holderOf(user!) };
}

// The holder sets their password through the link. One conditional write uses the link, so of two clicks (or two tabs)
// only one succeeds. Every session of the user ends; the caller signs the holder in afresh.
export async function useLink(
  kind: AccountLinkKind,
  token: string,
  newPassword: string,
  now = new Date(),
): Promise<{ ok: true; user: SessionUser } | { ok: false; problem: LinkProblem }> {
  const check = await checkLink(kind, token, now);
  if (!check.ok) return check;
  const passwordHash = await hashPassword(newPassword);
  const used = await AccountLinkModel.findOneAndUpdate(
    {
      hash: hashToken(token),
      kind,
      usedAt: { $exists: false },
      revokedAt: { $exists: false },
      expiresAt: { $gt: now },
    },
    { $set: { usedAt: now } },
  ).lean();
  if (!used) return checkLink(kind, token, now) as Promise<{ ok: false; problem: LinkProblem }>;
  const user = await UserModel.findOneAndUpdate(
    { _id: used.user, active: true },
    { $set: { passwordHash } },
    { returnDocument: 'after' },
  ).lean();
  if (!user) return { ok: false, problem: 'revoked' };
  await endSessionsOf(String(user._id));
  await recordAudit({
    actor: { id: String(user._id), email: user.email },
    entity: 'user',
    entityId: user._id,
    entityLabel: user.email,
    action: kind === 'invite' ? 'accept-invite' : 'reset-password',
    changes: PASSWORD_CHANGED,
  });
  return { ok: true, user: toSessionUser(user) };
}
