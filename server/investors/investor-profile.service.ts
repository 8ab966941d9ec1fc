import { UserModel } from '../../models/user.model.js';
import { auditRefs, historyOf } from '../audit/index.js';
import { contactsOfInvestor } from '../people/index.js';
import { matchesOfInvestor } from '../matches/index.js';
import { getInvestor, roundsJoined } from './investors.service.js';
import { fundTotals } from './fund-rules.js';

const LOGIN_LIMIT = 500;

// The emails of the organisation's investor sign-in accounts (active users with role investor linked to it), lowercased.
// A read-only join for its page, like the rounds it joined.
async function loginEmails(investorId: string): Promise<Set<string>> {
  const users = await UserModel.find({ role: 'investor', investorOrg: investorId, active: true }, { email: 1 })
    .limit(LOGIN_LIMIT)
    .lean();
  return new Set(users.map((u) => u.email.toLowerCase()));
}

// Everything the organisation's page shows: profile and thesis, funds with their totals, contacts (marked when they hold an
// investor login: matched by email), rounds joined, matches with stage and outcome, and its history. A bounded number of
// queries whatever the organisation's size.
export async function investorProfile(id: string) {
  const org = await getInvestor(id);
  const [rounds, people, logins, matches, entries] = await Promise.all([
    roundsJoined(id),
    contactsOfInvestor(id),
    loginEmails(id),
    matchesOfInvestor(id),
    historyOf(id),
  ]);
  const contacts = people.map((p) => ({ ...p, hasLogin: Boolean(p.email) && logins.has(p.email!.toLowerCase()) }));
  const historyRefs = await auditRefs(entries);
  return {
    org,
    funds: org.funds ?? [],
    totals: fundTotals(org.funds ?? []),
    contacts,
    rounds,
    matches,
    entries,
    historyRefs,
  };
}
