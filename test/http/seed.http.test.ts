import { expect } from 'chai';
import { seedIfEmpty, DEMO_ACCOUNTS } from '../../server/seed/seed.js';
import { FirmModel } from '../../models/firm.model.js';
import { UserModel } from '../../models/user.model.js';
import { PersonModel } from '../../models/person.model.js';
import { useTestApp, agentOf, csrfFrom } from '../helpers/app.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-data.js';

describe('first start', () => {
  const t = useTestApp();

  it('when the database is empty, then the demo cohort is the baseline of 19 residents and every demo account can sign in', async () => {
    const outcome = await seedIfEmpty({ production: false, demoData: true });
    expect(outcome.kind).to.equal('demo');
    expect(await FirmModel.countDocuments({ status: 'resident' })).to.equal(19);
    expect(await FirmModel.countDocuments({ status: { $in: ['applicant', 'screening', 'admitted'] } })).to.be.greaterThan(0);
    expect(await PersonModel.countDocuments()).to.equal(await FirmModel.countDocuments());
    const investor = await UserModel.findOne({ email: 'investor@example.org' }).lean();
    expect(investor!.investorOrg).to.not.equal(undefined);
    for (const account of DEMO_ACCOUNTS) {
      const agent = agentOf(t.app);
      const page = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: account.email, password: DEMO_PASSWORD });
      expect(res.status, account.email).to.equal(302);
    }
    expect((await seedIfEmpty({ production: false, demoData: true })).kind).to.equal('none');
  });

  it('when in production, then no demo data is made, and ADMIN_EMAIL creates only the first admin', async () => {
    expect((await seedIfEmpty({ production: true, demoData: true })).kind).to.equal('none');
    expect(await UserModel.countDocuments()).to.equal(0);
    const outcome = await seedIfEmpty({ production: true, demoData: false, admin: { email: 'boss@city.example', password: 'a very long password' } });
    expect(outcome).to.deep.equal({ kind: 'admin', accounts: ['boss@city.example'] });
    expect(await UserModel.countDocuments()).to.equal(1);
    expect(await FirmModel.countDocuments()).to.equal(0);
  });
});
