import { expect } from 'chai';
import { useTestApp, agentOf, csrfFrom, loginAs } from '../helpers/app.js';
import { makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { UserModel } from '../../models/user.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';

describe('user management (admins)', () => {
  const t = useTestApp();

  it('when an admin invites an investor, then the account exists linked to its organisation without a password, can sign in once the invitation is accepted, and is audited', async () => {
    const admin = await loginAs(t.app, 'admin');
    const org = await makeInvestorOrg();
    const form = await admin.get('/admin/users/new');
    expect(form.text).to.not.contain('type="password"');
    const token = await admin.csrf();
    const res = await admin
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: token,
        email: 'New.Investor@Fund.example',
        name: '박투자',
        role: 'investor',
        investorOrg: String(org._id),
      });
    expect(res.status).to.equal(200);
    const user = await UserModel.findOne({ email: 'new.investor@fund.example' }).lean();
    expect(String(user!.investorOrg)).to.equal(String(org._id));
    expect(user!.passwordHash).to.equal(undefined);
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'create' })).to.equal(1);
    expect((await admin.get('/admin/users')).text).to.contain('new.investor@fund.example');
    const path = /\/account\/invite\/[A-Za-z0-9_-]{43}/.exec(res.text)![0];
    const invitee = agentOf(t.app);
    const page = await invitee.get(path);
    await invitee
      .post(path)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        newPassword: 'a long enough password',
        confirmPassword: 'a long enough password',
      });
    const agent = agentOf(t.app);
    const loginPage = await agent.get('/login');
    const login = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfFrom(loginPage.text),
        email: 'new.investor@fund.example',
        password: 'a long enough password',
      });
    expect(login.status).to.equal(302);
  });

  it('when the invite form is wrong, then every error shows beside its field at once and the input is kept', async () => {
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    const res = await admin.post('/admin/users').type('form').send({
      _csrf: token,
      email: 'not-an-email',
      name: '홍길동',
      role: 'investor',
      investorOrg: '',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('value="not-an-email"');
    expect(res.text).to.contain('value="홍길동"');
    expect(res.text).to.contain('올바른 이메일 주소를 입력하세요');
    expect(res.text).to.contain('투자자에게는 투자 기관을 선택해야 합니다');
    expect(await UserModel.countDocuments({ email: 'not-an-email' })).to.equal(0);
  });

  it('when the email is taken, then the form says so beside the email', async () => {
    const existing = await makeUser();
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    const res = await admin
      .post('/admin/users')
      .type('form')
      .send({ _csrf: token, email: existing.email, name: 'Dup', role: 'viewer' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('이미 같은 이메일의 사용자가 있습니다');
  });

  it('when an admin changes a role and deactivates a user, then it takes effect and both changes are audited', async () => {
    const target = await makeUser({ role: 'staff' });
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    await admin
      .post(`/admin/users/${target._id}`)
      .type('form')
      .send({ _csrf: token, name: target.name, role: 'viewer', active: 'false' });
    const stored = await UserModel.findById(target._id).lean();
    expect(stored).to.include({ role: 'viewer', active: false });
    const entry = await AuditEntryModel.findOne({ entityId: target._id, action: 'update' }).lean();
    const fields = entry!.changes.map((c) => c.field).sort();
    expect(fields).to.deep.equal(['active', 'role']);
  });

  it('when an admin tries to remove their own admin role, then it is refused', async () => {
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    const me = await UserModel.findOne({ email: admin.email }).lean();
    const res = await admin
      .post(`/admin/users/${me!._id}`)
      .type('form')
      .send({ _csrf: token, name: 'Me', role: 'staff', active: 'true' });
    expect(res.status).to.equal(422);
    expect((await UserModel.findById(me!._id).lean())!.role).to.equal('admin');
  });

  it('when an admin tries to deactivate their own account, then it is refused beside the status, not the role', async () => {
    const admin = await loginAs(t.app, 'admin');
    const me = await UserModel.findOne({ email: admin.email }).lean();
    const res = await admin
      .post(`/admin/users/${me!._id}`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: await admin.csrf(), name: 'Me', role: 'admin', active: 'false' });
    expect(res.status).to.equal(422);
    const block = (name: string) => {
      const start = res.text.indexOf(`id="f-${name}"`);
      return res.text.slice(res.text.lastIndexOf('<div class="field', start), res.text.indexOf('</div>', start) + 6);
    };
    expect(block('active')).to.contain('You cannot deactivate your own account.');
    expect(block('role')).to.not.contain('You cannot');
    expect((await UserModel.findById(me!._id).lean())!.active).to.equal(true);
  });
});
