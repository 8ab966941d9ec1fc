import { expect } from 'chai';
import { useTestApp, agentOf, csrfFrom, loginAs, type Agent } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';
import { captureMail, databaseText, linkIn, SMTP_ENV } from '../helpers/mail.js';
import { UserModel } from '../../models/user.model.js';
import { AccountLinkModel } from '../../models/account-link.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { defaultLoginLimits } from '../../server/auth/login-limiter.js';

const NEW_PASSWORD = 'my own long password';

// The path of the link the admin's page shows to copy.
function shownLink(html: string): string {
  const m = /id="issued-link" type="url" value="[^"]*?(\/account\/(?:invite|reset)\/[A-Za-z0-9_-]{43})"/.exec(html);
  if (!m) throw new Error('no link shown on the page');
  return m[1]!;
}

async function invite(admin: Agent, email: string, lang?: 'en') {
  if (lang)
    await admin
      .post('/lang')
      .type('form')
      .send({ _csrf: await admin.csrf(), lang });
  return admin
    .post('/admin/users')
    .type('form')
    .send({ _csrf: await admin.csrf(), email, name: '김초대', role: 'staff' });
}

// The invitee opens the link and sends the form on it.
async function accept(agent: Agent, path: string, password = NEW_PASSWORD, confirm = password) {
  const page = await agent.get(path);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), newPassword: password, confirmPassword: confirm });
}

describe('invitations (one-time links to choose a first password)', () => {
  const t = useTestApp();

  async function attemptLogin(email: string, password: string) {
    const agent = agentOf(t.app);
    const page = await agent.get('/login');
    return agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password });
  }

  it('when an admin creates a user, then the account has no password, the user page shows an invitation link valid for 7 days, and only its hash is stored', async () => {
    const admin = await loginAs(t.app, 'admin');
    const res = await invite(admin, 'Invitee@Example.org');
    expect(res.status).to.equal(200);
    const path = shownLink(res.text);
    expect(res.text).to.match(/이번 한 번만 보입니다/);
    expect(res.text).to.contain('이메일이 설정되지 않아');
    const user = await UserModel.findOne({ email: 'invitee@example.org' }).lean();
    expect(user!.passwordHash).to.equal(undefined);
    const link = await AccountLinkModel.findOne({ user: user!._id }).lean();
    const days = (link!.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(6.99, 7.01);
    expect(link!.kind).to.equal('invite');
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'invite' })).to.equal(1);
    // The list says the user is invited, not yet in; signing in with anything fails.
    expect((await admin.get('/admin/users')).text).to.contain('초대됨 (아직 수락 전)');
    expect((await attemptLogin('invitee@example.org', '')).status).to.not.equal(302);
    // No collection holds the token itself.
    const token = path.split('/').pop()!;
    expect(await databaseText()).to.not.contain(token);
  });

  it('when the invitee opens the link and chooses a password, then they are signed in, can sign in again later, and it is audited', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'accept@example.org')).text);
    const invitee = agentOf(t.app);
    const form = await invitee.get(path);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('accept@example.org');
    expect(form.text).to.contain('id="f-newPassword"');
    const res = await accept(invitee, path);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/');
    const home = await invitee.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('비밀번호를 정했고 로그인되었습니다');
    expect((await attemptLogin('accept@example.org', NEW_PASSWORD)).status).to.equal(302);
    const user = await UserModel.findOne({ email: 'accept@example.org' }).lean();
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'accept-invite' })).to.equal(1);
    // The admin's page now offers a reset link rather than a new invitation.
    const page = await admin.get(`/admin/users/${user!._id}/edit`);
    expect(page.text).to.contain('비밀번호 재설정 링크 만들기');
    expect(page.text).to.not.contain('초대됨 (아직 수락 전)');
  });

  it('when the link is used a second time, then it says it has been used and asks for a new one, and the password stays', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'twice@example.org')).text);
    expect((await accept(agentOf(t.app), path)).status).to.equal(302);
    const hashAfterFirst = (await UserModel.findOne({ email: 'twice@example.org' }).lean())!.passwordHash;
    const again = await accept(agentOf(t.app), path, 'someone elses password');
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('이미 사용된 링크입니다');
    expect(again.text).to.contain('관리자에게 새 링크를 요청하세요');
    expect((await UserModel.findOne({ email: 'twice@example.org' }).lean())!.passwordHash).to.equal(hashAfterFirst);
  });

  it('when the form is sent twice at once, then only one of them sets the password', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'race@example.org')).text);
    const [a, b] = [agentOf(t.app), agentOf(t.app)];
    const [pageA, pageB] = await Promise.all([a.get(path), b.get(path)]);
    const [resA, resB] = await Promise.all([
      a
        .post(path)
        .type('form')
        .send({
          _csrf: csrfFrom(pageA.text),
          newPassword: 'first long password',
          confirmPassword: 'first long password',
        }),
      b
        .post(path)
        .type('form')
        .send({
          _csrf: csrfFrom(pageB.text),
          newPassword: 'second long password',
          confirmPassword: 'second long password',
        }),
    ]);
    expect([resA.status, resB.status].sort()).to.deep.equal([302, 410]);
    const user = await UserModel.findOne({ email: 'race@example.org' }).lean();
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'accept-invite' })).to.equal(1);
  });

  it('when the link has expired, then it says so in the page language and asks for a new one', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'late@example.org')).text);
    const user = await UserModel.findOne({ email: 'late@example.org' }).lean();
    await AccountLinkModel.updateOne({ user: user!._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const ko = await agentOf(t.app).get(path);
    expect(ko.status).to.equal(410);
    expect(ko.text).to.contain('유효 기간이 지난 링크입니다');
    const en = await agentOf(t.app).get(path).set('Cookie', 'lang=en');
    expect(en.status).to.equal(410);
    expect(en.text).to.contain('This link has expired.');
    expect(en.text).to.contain('Ask your administrator for a new link.');
    expect((await accept(agentOf(t.app), path)).status).to.equal(410);
    expect((await UserModel.findById(user!._id).lean())!.passwordHash).to.equal(undefined);
  });

  it('when the admin invites again, then the old link no longer works and the new one does', async () => {
    const admin = await loginAs(t.app, 'admin');
    const oldPath = shownLink((await invite(admin, 'again@example.org')).text);
    const user = await UserModel.findOne({ email: 'again@example.org' }).lean();
    const reissued = await admin
      .post(`/admin/users/${user!._id}/invitation`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect(reissued.status).to.equal(200);
    const newPath = shownLink(reissued.text);
    expect(newPath).to.not.equal(oldPath);
    const old = await agentOf(t.app).get(oldPath);
    expect(old.status).to.equal(410);
    expect(old.text).to.contain('취소된 링크입니다');
    expect((await accept(agentOf(t.app), newPath)).status).to.equal(302);
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'reinvite' })).to.equal(1);
  });

  it('when the admin withdraws the link, then it no longer works and the withdrawal is audited', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'revoke@example.org')).text);
    const user = await UserModel.findOne({ email: 'revoke@example.org' }).lean();
    const res = await admin
      .post(`/admin/users/${user!._id}/revoke-link`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect(res.status).to.equal(302);
    expect((await admin.get(`/admin/users/${user!._id}/edit`)).text).to.contain('링크를 취소했습니다');
    expect((await agentOf(t.app).get(path)).status).to.equal(410);
    expect(await AuditEntryModel.countDocuments({ entityId: user!._id, action: 'revoke-link' })).to.equal(1);
  });

  it('when the chosen password breaks the rules, then the form says so beside the field and the link still works', async () => {
    const admin = await loginAs(t.app, 'admin');
    const path = shownLink((await invite(admin, 'rules@example.org')).text);
    const invitee = agentOf(t.app);
    const short = await accept(invitee, path, 'short');
    expect(short.status).to.equal(422);
    expect(short.text).to.contain('12자 이상 입력하세요');
    const differ = await accept(invitee, path, 'a long enough password', 'another long password');
    expect(differ.status).to.equal(422);
    expect(differ.text).to.contain('새 비밀번호 두 개가 서로 다릅니다');
    expect((await accept(invitee, path)).status).to.equal(302);
  });

  it('when a user already has a password, then no invitation is issued for them', async () => {
    const existing = await makeUser();
    const admin = await loginAs(t.app, 'admin');
    const res = await admin
      .post(`/admin/users/${existing._id}/invitation`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect(res.status).to.equal(302);
    expect((await admin.get(`/admin/users/${existing._id}/edit`)).text).to.contain('이미 비밀번호가 있는 사용자입니다');
    expect(await AccountLinkModel.countDocuments({ user: existing._id })).to.equal(0);
    expect((await attemptLogin(existing.email, TEST_PASSWORD)).status).to.equal(302);
  });

  it('when someone other than an admin asks for an invitation, then it is refused', async () => {
    const target = await makeUser();
    const staff = await loginAs(t.app, 'staff');
    const res = await staff
      .post(`/admin/users/${target._id}/invitation`)
      .type('form')
      .send({ _csrf: await staff.csrf() });
    expect(res.status).to.equal(403);
    expect(await AccountLinkModel.countDocuments({})).to.equal(0);
  });
});

describe('invitations by email (SMTP configured)', () => {
  const mail = captureMail();
  const t = useTestApp(SMTP_ENV, defaultLoginLimits, mail.transport);
  beforeEach(() => {
    mail.sent.length = 0;
  });

  it('when an admin on an English page invites a user, then one English email carries a working link to the configured address', async () => {
    const admin = await loginAs(t.app, 'admin');
    const res = await invite(admin, 'mailed@example.org', 'en');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('It has also been emailed to mailed@example.org.');
    expect(mail.sent).to.have.length(1);
    const [message] = mail.sent;
    expect(message?.to).to.equal('mailed@example.org');
    expect(message?.from).to.contain('crm@test.invalid');
    expect(message?.subject).to.equal('Your invitation to TIPS Town CRM');
    expect(message?.text).to.contain('Hello 김초대,');
    const url = linkIn(message?.text ?? '');
    expect(url.startsWith('http://crm.test/account/invite/')).to.equal(true);
    // The page shows the same link as the email.
    expect(res.text).to.contain(url);
    expect((await accept(agentOf(t.app), new URL(url).pathname)).status).to.equal(302);
  });

  it('when an admin on a Korean page invites a user, then the email is in Korean', async () => {
    const admin = await loginAs(t.app, 'admin');
    await invite(admin, 'korean@example.org');
    expect(mail.sent).to.have.length(1);
    expect(mail.sent[0]?.subject).to.equal('TIPS Town CRM 초대');
    expect(mail.sent[0]?.text).to.contain('김초대님, 안녕하세요.');
  });
});
