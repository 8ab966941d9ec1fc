import { expect } from 'chai';
import { seedIfEmpty, DEMO_ACCOUNTS } from '../../server/seed/seed.js';
import { FirmModel } from '../../models/firm.model.js';
import { UserModel } from '../../models/user.model.js';
import { PersonModel } from '../../models/person.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { MatchModel } from '../../models/match.model.js';
import { fundTotals } from '../../server/investors/fund-rules.js';
import { isSharedWith } from '../../server/portal/visibility-rules.js';
import { loginAs } from '../helpers/app.js';
import { useTestApp, agentOf, csrfFrom } from '../helpers/app.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-data.js';
import { TargetModel } from '../../models/target.model.js';
import { ReportMonthModel } from '../../models/report-month.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { countResidentOn } from '../../server/reports/cohort-count.js';
import { metricOn } from '../../server/reports/index.js';
import { seoulToday } from '../../server/lib/dates.js';

describe('first start', () => {
  const t = useTestApp();

  it('when the database is empty, then the demo cohort is the baseline of 19 residents and every demo account can sign in', async () => {
    const outcome = await seedIfEmpty({ production: false, demoData: true });
    expect(outcome.kind).to.equal('demo');
    // 19 resident on the plan's baseline day, with arrivals and departures since, and the plan's targets from that day.
    const histories = await FirmModel.find({}, { statusHistory: 1 }).lean();
    expect(countResidentOn(histories, '2024-12-31')).to.equal(19);
    expect(countResidentOn(histories, '2026-11-30')).to.be.greaterThan(19);
    expect(await FirmModel.countDocuments({ status: { $in: ['graduated', 'exited', 'withdrawn'] } })).to.be.greaterThan(
      3,
    );
    // Firms were last active on days of their own (sorting by activity orders them), none after the demo's last day;
    // and a firm that left the programme is neither raising nor shown to investors.
    const firms = await FirmModel.find({}, { lastActivityAt: 1, status: 1, fundraising: 1 }).lean();
    const days = new Set(firms.map((f) => f.lastActivityAt.toISOString().slice(0, 10)));
    expect(days.size).to.be.greaterThan(firms.length / 2);
    expect([...days].sort().at(-1)! <= '2026-11-30').to.equal(true);
    const gone = firms.filter((f) => ['exited', 'withdrawn', 'rejected'].includes(f.status));
    expect(gone.filter((f) => f.fundraising?.raising || f.fundraising?.openToInvestors)).to.deep.equal([]);
    const targets = await TargetModel.find({}).sort({ order: 1 }).lean();
    expect(targets.map((t) => t.metric)).to.deep.equal([
      'resident-firms',
      'bifc-fund-capital',
      'capital-raised-resident',
      'jobs-resident',
    ]);
    expect(targets[0]).to.deep.include({
      baseline: { value: 19, on: '2024-12-31' },
      target: { value: 60, on: '2026-12-31' },
    });
    expect(targets[1]?.baseline.value).to.equal(140_000_000_000);
    expect(await metricOn('bifc-fund-capital', '2024-12-31')).to.equal(140_000_000_000);
    expect(await metricOn('resident-firms', '2024-12-31')).to.equal(19);
    expect(await ReportMonthModel.countDocuments()).to.be.greaterThan(24);
    expect(await FundingRoundModel.countDocuments({ status: 'closed' })).to.be.greaterThan(20);
    expect(
      await FirmModel.countDocuments({ status: { $in: ['applicant', 'screening', 'admitted'] } }),
    ).to.be.greaterThan(0);
    // A founder per firm, and the investor organisations' contacts.
    expect(await PersonModel.countDocuments({ 'firms.0': { $exists: true } })).to.equal(
      await FirmModel.countDocuments(),
    );
    const investor = await UserModel.findOne({ email: 'investor@example.org' }).lean();
    expect(investor!.investorOrg).to.not.equal(undefined);
    expect((await InvestorOrgModel.findById(investor!.investorOrg).lean())!.nameEn).to.equal('BNK Venture Capital');
    for (const account of DEMO_ACCOUNTS) {
      const agent = agentOf(t.app);
      const page = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: account.email, password: DEMO_PASSWORD });
      expect(res.status, account.email).to.equal(302);
    }
    expect((await seedIfEmpty({ production: false, demoData: true })).kind).to.equal('none');
  });

  it('when the demo is seeded, then its investors have theses, funds (the BIFC startup funds formed by the baseline sum to ₩1,400억), contacts and matches, and firms are shared with BNK', async () => {
    await seedIfEmpty({ production: false, demoData: true });
    const orgs = await InvestorOrgModel.find({}).lean();
    // The city's baseline: BIFC startup investment funds formed by 2024-12-31.
    const byBaseline = orgs.reduce((sum, o) => sum + fundTotals(o.funds, '2024-12-31').bifcStartupKrw, 0);
    expect(byBaseline).to.equal(140_000_000_000);
    expect(
      orgs
        .flatMap((o) => o.funds)
        .filter((f) => f.bifcStartupFund)
        .every((f) => /^\d{4}-\d{2}-\d{2}$/.test(f.vintage ?? '')),
    ).to.equal(true);
    expect(orgs.some((o) => o.funds.some((f) => !f.bifcStartupFund))).to.equal(true);
    expect(orgs.every((o) => (o.thesis?.sectors?.length ?? 0) > 0 && (o.thesis?.stages?.length ?? 0) > 0)).to.equal(
      true,
    );
    expect(
      orgs.every(
        (o) => !o.thesis?.ticketMinKrw || !o.thesis?.ticketMaxKrw || o.thesis.ticketMinKrw <= o.thesis.ticketMaxKrw,
      ),
    ).to.equal(true);
    const bnk = orgs.find((o) => o.nameEn === 'BNK Venture Capital')!;
    expect(bnk.lastContactAt).to.be.instanceOf(Date);
    expect(await PersonModel.countDocuments({ investorOrg: { $exists: true } })).to.be.greaterThan(2);

    // Matches: one per pair, in several stages, `open` from the stage, cycles counted from 1 with a reopened one.
    const matches = await MatchModel.find({}).lean();
    expect(new Set(matches.map((m) => `${m.firm}:${m.investor}`)).size).to.equal(matches.length);
    expect(new Set(matches.map((m) => m.stage)).size).to.be.greaterThan(4);
    for (const m of matches) {
      const last = m.history.at(-1)!;
      expect(m.stage).to.equal(last.stage);
      expect(m.open).to.equal(!['invested', 'passed'].includes(m.stage));
      expect(m.cycle).to.equal(last.cycle);
      expect(m.stageSince.getTime()).to.equal(last.at.getTime());
    }
    expect(matches.some((m) => m.cycle === 2 && m.history.some((h) => h.cycle === 1 && h.stage === 'passed'))).to.equal(
      true,
    );

    // Shared with BNK: open to every investor or chosen for it, with summaries in both languages.
    const shared = (await FirmModel.find({ 'sharing.summaryKo': { $exists: true } }).lean()).filter((f) =>
      isSharedWith(f, String(bnk._id)),
    );
    expect(shared.length).to.be.greaterThan(1);
    expect(shared.every((f) => f.sharing?.summaryKo && f.sharing.summaryEn)).to.equal(true);
    expect(
      shared.some((f) => !f.fundraising?.openToInvestors && f.sharing!.orgs.some((o) => String(o) === String(bnk._id))),
    ).to.equal(true);

    // On a fresh start the pages show it: BNK's page with its thesis, funds, contacts (the demo investor's login marked) and matches.
    const staff = await loginAs(t.app, 'staff');
    const page = await staff.get(`/investors/${bnk._id}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('BIFC startup fund').and.contain('data-login').and.contain('Term sheet');
  });

  it('when in production, then no demo data is made, and ADMIN_EMAIL creates only the first admin', async () => {
    expect((await seedIfEmpty({ production: true, demoData: true })).kind).to.equal('none');
    expect(await UserModel.countDocuments()).to.equal(0);
    const outcome = await seedIfEmpty({
      production: true,
      demoData: false,
      admin: { email: 'boss@city.example', password: 'a very long password' },
    });
    expect(outcome).to.deep.equal({ kind: 'admin', accounts: ['boss@city.example'] });
    expect(await UserModel.countDocuments()).to.equal(1);
    expect(await FirmModel.countDocuments()).to.equal(0);
    // The plan's targets are there in production too, once, starting today.
    expect(await TargetModel.countDocuments()).to.equal(4);
    await seedIfEmpty({ production: true, demoData: false, reportTargetDate: '2030-12-31' });
    const targets = await TargetModel.find({}).lean();
    expect(targets).to.have.length(4);
    expect(targets.every((t) => t.baseline.on === seoulToday() && t.target.on > t.baseline.on)).to.equal(true);
  });
});
