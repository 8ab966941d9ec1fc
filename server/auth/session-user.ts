import type { Role } from '../../models/enums.js';

// What a request knows about its user: loaded from the database by the id the session holds.
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  investorOrg?: string;
};
