import { createHash, randomBytes } from 'node:crypto';
import { ApiTokenModel } from '../../models/api-token.model.js';
import { NotFound } from '../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';

// Tokens for the read-only reports API: 32 random bytes, shown once when issued; only their SHA-256 is stored (a token
// has full entropy, so a plain hash is enough: there is nothing to guess). Sent as `Authorization: Bearer <token>`.
const PREFIX = 'tt_';
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function listTokens() {
  return ApiTokenModel.find({}, { hash: 0 }).sort({ createdAt: -1, _id: -1 }).limit(200).lean();
}

// Issues a token; the returned `token` is the only time it exists in clear.
export async function issueToken(name: string, actor: Actor): Promise<{ id: string; token: string }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const doc = await ApiTokenModel.create({
    name,
    hash: hashToken(token),
    hint: token.slice(0, PREFIX.length + 6),
    createdBy: actor.id,
    createdByEmail: actor.email,
  });
  await recordAudit({
    actor,
    entity: 'api-token',
    entityId: doc._id,
    entityLabel: name,
    action: 'create',
    changes: [{ field: 'name', before: null, after: name }],
  });
  return { id: String(doc._id), token };
}

export async function revokeToken(id: string, actor: Actor): Promise<void> {
  const doc = await ApiTokenModel.findById(id, { hash: 0 }).lean();
  if (!doc) throw NotFound('token');
  if (doc.revokedAt) return;
  const res = await ApiTokenModel.updateOne(
    { _id: doc._id, revokedAt: { $exists: false } },
    { $set: { revokedAt: new Date(), revokedByEmail: actor.email } },
  );
  if (!res.modifiedCount) return;
  await recordAudit({
    actor,
    entity: 'api-token',
    entityId: doc._id,
    entityLabel: doc.name,
    action: 'status',
    changes: [{ field: 'revoked', before: false, after: true }],
  });
}

// The token's id when it is known and not revoked (its last use recorded); undefined otherwise.
export async function tokenInUse(token: string): Promise<string | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  // No projection: FerretDB v1 does not implement one on findAndModify.
  const doc = await ApiTokenModel.findOneAndUpdate(
    { hash: hashToken(token), revokedAt: { $exists: false } },
    { $set: { lastUsedAt: new Date() } },
  ).lean();
  return doc ? String(doc._id) : undefined;
}
