import { UserModel } from '../../models/user.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { hashPassword } from '../auth/index.js';
import { brnWithCheckDigit, searchTokensOf, sortNameKoOf, sortNameOf } from '../firms/index.js';
import { nameKeyOf } from '../investors/index.js';
import { computeFirmTotals } from '../rounds/index.js';
import {
  DEMO_BASELINE_DAY,
  DEMO_BIFC_FUNDS,
  DEMO_INVESTORS,
  DEMO_LAST_DAY,
  DEMO_PASSWORD,
  demoFirms,
  demoRounds,
} from './demo-data.js';
import { addMonths, ensureReportMonths, metricOn, seedTargetsIfNone } from '../reports/index.js';
import { seoulToday } from '../lib/dates.js';
import { seedDealFlow } from './seed-deal-flow.js';

export const DEMO_ACCOUNTS = [
  { email: 'admin@example.org', name: 'Demo Admin', role: 'admin' },
  { email: 'staff@example.org', name: 'Demo Staff', role: 'staff' },
  { email: 'investor@example.org', name: 'Demo Investor', role: 'investor' },
  { email: 'viewer@example.org', name: 'Demo Viewer', role: 'viewer' },
] as const;

export type SeedOutcome = { kind: 'none' | 'admin' | 'demo'; accounts: string[] };

export type SeedOptions = {
  production: boolean;
  demoData: boolean;
  admin?: { email: string; password: string };
  reportTargetDate?: string;
};

// Every start: demo data or the first admin on an empty database (seedAccounts), then the plan's reporting targets when
// there are none yet (demo data, production and databases from before the reports alike). The demo's targets start at
// its baseline (19 residents on 2024-12-31); elsewhere they start today, for admins to adjust at /admin/targets.
export async function seedIfEmpty(opts: SeedOptions): Promise<SeedOutcome> {
  const outcome = await seedAccounts(opts);
  const baselineOn = outcome.kind === 'demo' ? DEMO_BASELINE_DAY : seoulToday();
  const due = opts.reportTargetDate ?? '2026-12-31';
  await seedTargetsIfNone({
    baselineOn,
    targetOn: due > baselineOn ? due : addMonths(baselineOn, 12),
    valueOn: metricOn,
  });
  return outcome;
}

// First start on an empty database: demo data (never in production), or only the first admin from ADMIN_EMAIL/ADMIN_PASSWORD.
async function seedAccounts(opts: SeedOptions): Promise<SeedOutcome> {
  if ((await UserModel.estimatedDocumentCount()) > 0) return { kind: 'none', accounts: [] };
  if (opts.admin) {
    await UserModel.create({
      email: opts.admin.email,
      name: 'Administrator',
      role: 'admin',
      passwordHash: await hashPassword(opts.admin.password),
    });
    return { kind: 'admin', accounts: [opts.admin.email] };
  }
  if (opts.production || !opts.demoData) return { kind: 'none', accounts: [] };
  await seedDemo();
  return { kind: 'demo', accounts: DEMO_ACCOUNTS.map((a) => a.email) };
}

// A calendar day (YYYY-MM-DD) as an instant at noon Korea time.
const noonInSeoul = (day: string | undefined) => (day ? new Date(`${day}T12:00:00+09:00`) : undefined);

async function seedDemo(): Promise<void> {
  const investors = await InvestorOrgModel.insertMany(
    DEMO_INVESTORS.map((i) => ({
      ...i,
      nameKey: nameKeyOf(i),
      funds: (DEMO_BIFC_FUNDS[i.nameEn] ?? []).map((f) => ({ ...f, bifcStartupFund: true })),
    })),
  );
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await UserModel.insertMany(
    DEMO_ACCOUNTS.map((a) => ({
      ...a,
      passwordHash,
      active: true,
      investorOrg: a.role === 'investor' ? investors[0]!._id : undefined,
    })),
  );
  const now = new Date();
  const firms = demoFirms().map((f, i) => {
    // Every other firm still in the programme (admitted, resident or graduated) is raising and shown to investors; a
    // firm that exited, withdrew or was turned down is neither.
    const raising = i % 2 === 0 && ['admitted', 'resident', 'graduated'].includes(f.status);
    const history: { status: FirmStatus; on: string; at: Date }[] = f.history.map(([status, on]) => ({
      status,
      on,
      at: now,
    }));
    const residentFrom = f.history.find(([status]) => status === 'resident')?.[1];
    const leftOn = residentFrom && f.status !== 'resident' ? f.since : undefined;
    const selectedOn = residentFrom && i % 3 === 0 ? addMonths(residentFrom, 8) : undefined;
    const base = {
      nameKo: f.nameKo,
      nameEn: f.nameEn,
      pitch: f.pitch,
      tags: f.tags,
      brn: brnWithCheckDigit(String(602810000 + i * 137)),
    };
    return {
      ...base,
      sortName: sortNameOf(base),
      sortNameKo: sortNameKoOf(base),
      searchTokens: searchTokensOf(base),
      sectorPrimary: f.sector,
      stage: residentFrom
        ? (['seed', 'pre-a', 'series-a'] as const)[Math.max(0, demoRounds(i, residentFrom).length - 1)]! // at most 3 rounds
        : 'pre-seed',
      founded: `20${String(18 + (i % 7)).padStart(2, '0')}-0${(i % 9) + 1}-15`,
      headcount: 4 + ((i * 7) % 40),
      status: f.status,
      statusHistory: history,
      residency: residentFrom
        ? {
            start: residentFrom,
            plannedEnd: addMonths(residentFrom, 36),
            end: leftOn,
            space: `BIFC 63F-${String(i + 1).padStart(2, '0')}`,
          }
        : undefined,
      // A TIPS selection for every third resident, eight months after it moved in (while the demo's history lasts).
      tips:
        selectedOn && selectedOn <= DEMO_LAST_DAY
          ? {
              track: 'tips',
              operator: investors[3]!._id,
              recommendedOn: addMonths(residentFrom!, 3),
              selectedOn,
              grantKrw: 500_000_000,
              status: 'selected',
            }
          : { status: 'none' },
      fundraising: {
        raising,
        targetKrw: raising ? 1_000_000_000 + i * 100_000_000 : undefined,
        openToInvestors: raising,
      },
      // The day of its latest status change (a round closed later moves it on, below): sorting by activity means something.
      lastActivityAt: noonInSeoul(f.history.at(-1)?.[1]) ?? now,
    };
  });
  const inserted = await FirmModel.insertMany(firms);
  const FOUNDERS = ['김민지', '이준호', '박서연', '최도윤', '정하은', '강지훈', '조수아', '윤시우', '장예린', '임현우'];
  await PersonModel.insertMany(
    inserted.map((firm, i) => ({
      name: FOUNDERS[i % FOUNDERS.length]!,
      title: 'CEO',
      email: `founder${i + 1}@${(firm.nameEn ?? 'firm').toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
      firms: [{ firm: firm._id, role: 'founder' }],
    })),
  );
  // Closed rounds by quarter for the firms that were resident (demo-data.ts demoRounds), then totals recomputed from
  // them like any edit does; then the reports' monthly summaries built from everything written here.
  const firmsData = demoFirms();
  for (const [i, firm] of inserted.entries()) {
    const residentFrom = firmsData[i]!.history.find(([status]) => status === 'resident')?.[1];
    const plan = residentFrom ? demoRounds(i, residentFrom) : [];
    if (!plan.length) continue;
    const lead = investors[i % investors.length]!._id;
    const other = investors[(i + 2) % investors.length]!._id;
    const rounds = await FundingRoundModel.insertMany(
      plan.map((r) => ({
        firm: firm._id,
        stage: r.stage,
        instrument: r.stage === 'seed' ? 'safe' : 'rcps',
        amountKrw: r.amountKrw,
        preMoneyKrw: r.preMoneyKrw,
        closedOn: r.closedOn,
        status: 'closed',
        participants: [
          { investor: lead, amountKrw: Math.round(r.amountKrw * 0.6), lead: true },
          { investor: other, amountKrw: r.amountKrw - Math.round(r.amountKrw * 0.6) },
        ],
      })),
    );
    const lastClosed = noonInSeoul(
      plan
        .map((r) => r.closedOn)
        .sort()
        .at(-1),
    );
    await FirmModel.updateOne(
      { _id: firm._id },
      {
        $set: { totals: computeFirmTotals(rounds) },
        ...(lastClosed ? { $max: { lastActivityAt: lastClosed } } : {}),
      },
    );
  }
  // Theses, other funds, investor contacts, matches and firms shared with investors (seed-deal-flow.ts).
  await seedDealFlow(investors, inserted);
  await ensureReportMonths();
}
