import type { AccountLinkKind } from '../../models/enums.js';

// How long a link works: an invitation a week (people open them when they get round to it), a reset an hour (it is
// asked for by whoever types the address, so it should not linger).
const LINK_LIFETIME_MS: Record<AccountLinkKind, number> = {
  invite: 7 * 24 * 60 * 60 * 1000,
  reset: 60 * 60 * 1000,
};

export const linkExpiry = (kind: AccountLinkKind, now: Date) => new Date(now.getTime() + LINK_LIFETIME_MS[kind]);

// Why a link does not work, as its page tells the holder.
export type LinkProblem = 'unknown' | 'used' | 'revoked' | 'expired';

type StoredLink = { usedAt?: Date | null; revokedAt?: Date | null; expiresAt: Date };
type LinkUser = { active?: boolean | null };

// Used beats revoked beats expired: a link that worked once says so, whatever happened after. A deactivated account's
// links read as withdrawn.
export function linkProblem(link: StoredLink | null, user: LinkUser | null, now: Date): LinkProblem | undefined {
  if (!link || !user) return 'unknown';
  if (link.usedAt) return 'used';
  if (link.revokedAt || !user.active) return 'revoked';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  return undefined;
}
