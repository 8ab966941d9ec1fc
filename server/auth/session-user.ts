import type { Role } from '../../models/enums.js';

// What a request knows about its user: loaded from the database by the id the session holds.
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  investorOrg?: string;
  // Staff: notifications not read yet (kept on the user document, so the nav's bell costs no query).
  unreadNotifications?: number;
};

// 'deactivated' only with the right password: a wrong one reads the same for every account.
export type CredentialCheck = { outcome: 'ok'; user: SessionUser } | { outcome: 'deactivated' } | { outcome: 'wrong' };

// What signing in needs from the user accounts (server/users). app.ts passes them in: users imports auth (route guards,
// password hashing), so auth does not import users.
export type AccountLookups = {
  checkCredentials: (email: string, password: string) => Promise<CredentialCheck>;
  findActiveUserById: (id: string) => Promise<SessionUser | undefined>;
  // A successful sign-in, for the audit log.
  recordLogin: (user: SessionUser) => Promise<void>;
};
