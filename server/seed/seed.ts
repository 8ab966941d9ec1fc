import { UserModel } from '../../models/user.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { hashPassword } from '../auth/passwords.js';
import { brnWithCheckDigit, searchTokensOf, sortNameKoOf, sortNameOf } from '../firms/firm-rules.js';
import { computeFirmTotals } from '../rounds/round-rules.js';
import { DEMO_INVESTORS, DEMO_PASSWORD, demoFirms } from './demo-data.js';

export const DEMO_ACCOUNTS = [
  { email: 'admin@example.org', name: 'Demo Admin', role: 'admin' },
  { email: 'staff@example.org', name: 'Demo Staff', role: 'staff' },
  { email: 'investor@example.org', name: 'Demo Investor', role: 'investor' },
  { email: 'viewer@example.org', name: 'Demo Viewer', role: 'viewer' },
] as const;

export type SeedOutcome = { kind: 'none' | 'admin' | 'demo'; accounts: string[] };

// First start on an empty database: demo data (never in production), or only the first admin from ADMIN_EMAIL/ADMIN_PASSWORD.
export async function seedIfEmpty(opts: { production: boolean; demoData: boolean; admin?: { email: string; password: string } }): Promise<SeedOutcome> {
  if ((await UserModel.estimatedDocumentCount()) > 0) return { kind: 'none', accounts: [] };
  if (opts.admin) {
    await UserModel.create({ email: opts.admin.email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(opts.admin.password) });
    return { kind: 'admin', accounts: [opts.admin.email] };
  }
  if (opts.production || !opts.demoData) return { kind: 'none', accounts: [] };
  await seedDemo();
  return { kind: 'demo', accounts: DEMO_ACCOUNTS.map((a) => a.email) };
}

export async function seedDemo(): Promise<void> {
  const investors = await InvestorOrgModel.insertMany(
    DEMO_INVESTORS.map((i) => ({ ...i, nameKey: i.nameEn.toLowerCase() })),
  );
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await UserModel.insertMany(
    DEMO_ACCOUNTS.map((a) => ({ ...a, passwordHash, active: true, investorOrg: a.role === 'investor' ? investors[0]!._id : undefined })),
  );
  const now = new Date();
  const firms = demoFirms().map((f, i) => {
    const history: { status: FirmStatus; on: string; at: Date }[] = [{ status: 'applicant', on: f.status === 'resident' ? '2024-11-01' : f.since, at: now }];
    if (f.status === 'resident') {
      history.push({ status: 'screening', on: '2024-12-01', at: now }, { status: 'admitted', on: '2025-01-15', at: now }, { status: 'resident', on: f.since, at: now });
    } else if (f.status !== 'applicant') {
      history.push({ status: f.status, on: f.since, at: now });
    }
    const base = { nameKo: f.nameKo, nameEn: f.nameEn, pitch: f.pitch, tags: f.tags, brn: brnWithCheckDigit(String(602810000 + i * 137)) };
    return {
      ...base,
      sortName: sortNameOf(base),
      sortNameKo: sortNameKoOf(base),
      searchTokens: searchTokensOf(base),
      sectorPrimary: f.sector,
      stage: f.status === 'resident' ? (i % 3 === 0 ? 'series-a' : 'seed') : 'pre-seed',
      founded: `20${String(18 + (i % 7)).padStart(2, '0')}-0${(i % 9) + 1}-15`,
      headcount: 4 + ((i * 7) % 40),
      status: f.status,
      statusHistory: history,
      residency: f.status === 'resident' ? { start: f.since, plannedEnd: `2027-${f.since.slice(5)}`, space: `BIFC 63F-${String(i + 1).padStart(2, '0')}` } : undefined,
      tips: i % 4 === 0 ? { track: 'tips', operator: investors[3]!._id, recommendedOn: '2025-03-02', selectedOn: '2025-06-20', grantKrw: 500_000_000, status: 'selected' } : { status: 'none' },
      fundraising: { raising: i % 2 === 0, targetKrw: i % 2 === 0 ? 1_000_000_000 + i * 100_000_000 : undefined, openToInvestors: i % 2 === 0 },
      lastActivityAt: now,
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
  // Two closed rounds for every third resident, then totals recomputed from them like any edit does.
  for (const [i, firm] of inserted.entries()) {
    if (firm.status !== 'resident' || i % 3 !== 0) continue;
    const rounds = await FundingRoundModel.insertMany([
      { firm: firm._id, stage: 'seed', instrument: 'rcps', amountKrw: 300_000_000, preMoneyKrw: 2_700_000_000, closedOn: '2024-06-30', status: 'closed', participants: [{ investor: investors[2]!._id, amountKrw: 100_000_000 }, { investor: investors[0]!._id, amountKrw: 200_000_000, lead: true }] },
      { firm: firm._id, stage: 'series-a', instrument: 'rcps', amountKrw: 2_500_000_000, preMoneyKrw: 12_000_000_000, closedOn: '2025-11-20', status: 'closed', participants: [{ investor: investors[0]!._id, amountKrw: 1_500_000_000, lead: true }, { investor: investors[5]!._id, amountKrw: 1_000_000_000 }] },
    ]);
    await FirmModel.updateOne({ _id: firm._id }, { $set: { totals: computeFirmTotals(rounds) } });
  }
}
