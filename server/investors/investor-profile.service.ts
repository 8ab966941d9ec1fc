import { UserModel } from '../../models/user.model.js';
import { auditRefs, historyOf } from '../audit/index.js';
import { contactsOfInvestor } from '../people/index.js';
import { matchesOfInvestor } from '../matches/index.js';
import { getInvestor, roundsJoined } from './investors.service.js';
import { fundTotals } from './fund-rules.js';
import { computedKey, readComputed } from '../lib/computed.service.js';

const LOGIN_LIMIT = 500;

// The emails of the organisation's investor sign-in accounts (active users with role investor linked to it), lowercased.
// A read-only join for its page, like the rounds it joined.
async function loginEmails(investorId: string): Promise<Set<string>> {
  const users = await UserModel.find({ role: 'investor', investorOrg: investorId, active: true }, { email: 1 })
    .limit(LOGIN_LIMIT)
    .lean();
  return new Set(users.map((u) => u.email.toLowerCase()));
}

// The organisation's own records (its profile and funds, contacts, the rounds it joined and its matches, with their
// firms' names) are kept by the computed pattern until an organisation, round, person, match or firm changes: its page
// then reads them as one document by _id, where they took seven queries (contacts, rounds and matches each filtered by
// organisation, which the embedded database answers by reading the whole collection). The sign-in accounts and the
// history are read apart: users are no source of the kept figures, and the history is its own timeline document.
// The key carries the shape's number (bump it when OrgRecords changes).
const KEPT_RECORDS_SHAPE = 1;
const RECORD_SOURCES = ['investors', 'rounds', 'people', 'matches', 'firms'] as const;
type OrgRecords = Awaited<ReturnType<typeof readOrgRecords>>;

async function readOrgRecords(id: string) {
  const org = await getInvestor(id);
  const [rounds, people, matches] = await Promise.all([
    roundsJoined(id),
    contactsOfInvestor(id),
    matchesOfInvestor(id),
  ]);
  return { org, rounds, people, matches };
}

// Everything the organisation's page shows: profile and thesis, funds with their totals, contacts (marked when they hold an
// investor login: matched by email), rounds joined, matches with stage and outcome, and its history. A bounded number of
// queries whatever the organisation's size.
export async function investorProfile(id: string) {
  const [{ org, rounds, people, matches }, logins, entries] = await Promise.all([
    readComputed<OrgRecords>(RECORD_SOURCES, computedKey(`org-records:${KEPT_RECORDS_SHAPE}`, id), () =>
      readOrgRecords(id),
    ),
    loginEmails(id),
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
