import type { Types } from 'mongoose';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { MatchModel } from '../../models/match.model.js';
import { PersonModel } from '../../models/person.model.js';
import { UserModel } from '../../models/user.model.js';
import { isOpen } from '../matches/index.js';
import {
  DEMO_INVESTOR_CONTACTS,
  DEMO_MATCHES,
  DEMO_OTHER_FUNDS,
  DEMO_SHARED_FIRMS,
  DEMO_THESES,
  type DemoMatch,
} from './demo-deal-flow.js';

type Org = { _id: Types.ObjectId; nameEn?: string | null; type: string };
type Firm = { _id: Types.ObjectId; sectorPrimary: string };

// A demo day's moment: 10:00 in Seoul.
const at = (day: string) => new Date(`${day}T01:00:00.000Z`);

// The match document of a demo match, consistent as the matches service writes it: one per pair, the stage and `open`
// from its last history entry, the cycle of that entry, each cycle starting at "suggested".
function matchDocument(m: DemoMatch, firm: Firm, org: Org, staff: { _id: Types.ObjectId; name: string }) {
  const history = m.cycles.flatMap((steps, i) =>
    steps.map(([stage, day, reason]) => ({
      stage,
      at: at(day),
      cycle: i + 1,
      by: staff._id,
      byName: staff.name,
      ...(reason ? { reason } : {}),
    })),
  );
  const last = history[history.length - 1];
  if (!last) throw new Error(`demo match of firm ${m.firm} with ${m.investor} has no stage history`);
  const open = isOpen(last.stage);
  return {
    firm: firm._id,
    investor: org._id,
    stage: last.stage,
    open,
    cycle: last.cycle,
    stageSince: last.at,
    history,
    owner: staff._id,
    nextStep: open ? m.nextStep : undefined,
    dueOn: open ? m.dueOn : undefined,
    firmSector: firm.sectorPrimary,
    investorType: org.type,
  };
}

// The demo's deal flow on top of the demo organisations and firms (seed.ts): theses and other funds, contacts, matches
// with their histories (each organisation's last contact from them), and firms shared with investors with summaries.
export async function seedDealFlow(investors: readonly Org[], firms: readonly Firm[]): Promise<void> {
  const byName = new Map(investors.map((o) => [o.nameEn ?? '', o]));
  const org = (name: string) => byName.get(name)!;
  const staff = await UserModel.findOne({ email: 'staff@example.org' }, { name: 1 }).lean();
  if (!staff) return;

  const matches = DEMO_MATCHES.flatMap((m) => {
    const firm = firms[m.firm];
    return firm && byName.has(m.investor) ? [matchDocument(m, firm, org(m.investor), staff)] : [];
  });
  await MatchModel.insertMany(matches);
  const lastContact = new Map<string, Date>();
  for (const m of matches) {
    const key = String(m.investor);
    if (!lastContact.has(key) || lastContact.get(key)! < m.stageSince) lastContact.set(key, m.stageSince);
  }

  await InvestorOrgModel.bulkWrite(
    investors.map((o) => ({
      updateOne: {
        filter: { _id: o._id },
        update: {
          $set: {
            thesis: DEMO_THESES[o.nameEn ?? ''] ?? {},
            ...(lastContact.has(String(o._id)) ? { lastContactAt: lastContact.get(String(o._id)) } : {}),
          },
          $push: {
            funds: { $each: (DEMO_OTHER_FUNDS[o.nameEn ?? ''] ?? []).map((f) => ({ ...f, bifcStartupFund: false })) },
          },
        },
      },
    })),
  );

  await PersonModel.insertMany(
    DEMO_INVESTOR_CONTACTS.filter((c) => byName.has(c.investor)).map((c) => ({
      name: c.name,
      title: c.title,
      email: c.email,
      investorOrg: org(c.investor)._id,
      investorRole: c.role,
    })),
  );

  for (const s of DEMO_SHARED_FIRMS) {
    const firm = firms[s.firm];
    if (!firm) continue;
    await FirmModel.updateOne(
      { _id: firm._id },
      {
        $set: {
          'fundraising.openToInvestors': s.openToInvestors,
          sharing: {
            orgs: s.orgs.filter((n) => byName.has(n)).map((n) => org(n)._id),
            summaryKo: s.summaryKo,
            summaryEn: s.summaryEn,
          },
        },
      },
    );
  }
}
