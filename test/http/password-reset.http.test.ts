import { expect } from 'chai';
import { useTestApp, agentOf, csrfFrom, loginAs, type Agent } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';
import { captureMail, databaseText, linkIn, SMTP_ENV } from '../helpers/mail.js';
import { UserModel } from '../../models/user.model.js';
import { AccountLinkModel } from '../../models/account-link.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { defaultLoginLimits } from '../../server/auth/login-limiter.js';
import { inFlight } from '../../server/lib/in-flight.js';

const NEW_PASSWORD = 'a brand new password';

// Asks for a reset link; then, unless told not to, waits for the work the app goes on with after its answer (the link
// and its email are issued once the answer is sent).
async function askForReset(agent: Agent, email: string, { settle = true } = {}) {
  const page = await agent.get('/account/forgot');
  const res = await agent
    .post('/account/forgot')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email });
  if (settle) expect(await inFlight.waitForIdle(5000), 'the email was sent').to.equal(true);
  return res;
}

async function setPassword(agent: Agent, path: string, password = NEW_PASSWORD) {
  const page = await agent.get(path);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), newPassword: password, confirmPassword: password });
}

async function signIn(agent: Agent, email: string, password: string) {
  const page = await agent.get('/login');
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
}

describe('forgot password (SMTP configured)', () => {
  const mail = captureMail();
  const t = useTestApp(
    SMTP_ENV,
    { ...defaultLoginLimits, resetRequests: { perEmail: 2, perIp: 50, windowSeconds: 3600 } },
    mail.transport,
  );
  beforeEach(() => {
    mail.sent.length = 0;
  });

  it('when the mail server is slow, then the answer does not wait for it, for an address with an account as for one without, and the email goes once the server answers', async () => {
    await makeUser({ email: 'slow-mail@example.org', name: 'Slow Mail' });
    const release = mail.pause();
    try {
      const known = await askForReset(agentOf(t.app), 'slow-mail@example.org', { settle: false });
      const unknown = await askForReset(agentOf(t.app), 'nobody-here@example.org', { settle: false });
      expect([known.status, unknown.status]).to.deep.equal([200, 200]);
      const body = (html: string) => html.replace(/value="[^"]*"/g, '');
      expect(body(known.text)).to.equal(body(unknown.text));
      expect(mail.sent).to.have.length(0);
    } finally {
      release();
    }
    expect(await inFlight.waitForIdle(5000)).to.equal(true);
    expect(mail.sent.map((m) => m.to)).to.deep.equal(['slow-mail@example.org']);
  });

  it('when the login page is opened, then it links to "forgot password"', async () => {
    const page = await agentOf(t.app).get('/login');
    expect(page.text).to.contain('href="/account/forgot"');
    expect(page.text).to.contain('비밀번호를 잊으셨나요?');
  });

  it('when a user asks for a reset, then one email carries a link that sets the new password once, and the token is stored nowhere', async () => {
    const user = await makeUser({ email: 'forgetful@example.org' });
    const res = await askForReset(agentOf(t.app), 'Forgetful@Example.org');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('해당 이메일의 계정이 있으면');
    expect(mail.sent).to.have.length(1);
    expect(mail.sent[0]?.to).to.equal('forgetful@example.org');
    expect(mail.sent[0]?.subject).to.equal('TIPS Town CRM 새 비밀번호 정하기');
    const url = linkIn(mail.sent[0]?.text ?? '');
    expect(url.startsWith('http://crm.test/account/reset/')).to.equal(true);
    const path = new URL(url).pathname;
    expect(await databaseText()).to.not.contain(path.split('/').pop()!);
    const link = await AccountLinkModel.findOne({ user: user._id }).lean();
    const minutes = (link!.expiresAt.getTime() - Date.now()) / 60_000;
    expect(minutes).to.be.within(59, 61);
    const holder = agentOf(t.app);
    expect((await setPassword(holder, path)).status).to.equal(302);
    expect((await holder.get('/')).status).to.equal(200);
    expect((await signIn(agentOf(t.app), user.email, TEST_PASSWORD)).status).to.equal(401);
    expect((await signIn(agentOf(t.app), user.email, NEW_PASSWORD)).status).to.equal(302);
    const again = await setPassword(agentOf(t.app), path, 'yet another password');
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('이미 사용된 링크입니다');
    expect(await AuditEntryModel.countDocuments({ entityId: user._id, action: 'reset-link' })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ entityId: user._id, action: 'reset-password' })).to.equal(1);
  });

  it('when the address has no account, then the answer reads the same and no email is sent', async () => {
    const res = await askForReset(agentOf(t.app), 'nobody@example.org');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('해당 이메일의 계정이 있으면');
    expect(mail.sent).to.have.length(0);
    expect(await AccountLinkModel.countDocuments({})).to.equal(0);
  });

  it('when an invited user who has not chosen a password asks, then no email is sent (their invitation is the way in)', async () => {
    await UserModel.create({ email: 'invited@example.org', name: 'I', role: 'staff' });
    expect((await askForReset(agentOf(t.app), 'invited@example.org')).status).to.equal(200);
    expect(mail.sent).to.have.length(0);
  });

  it('when one address asks too often, then the answer reads the same but no more emails go out', async () => {
    await makeUser({ email: 'busy@example.org' });
    for (let i = 0; i < 3; i++) expect((await askForReset(agentOf(t.app), 'busy@example.org')).status).to.equal(200);
    expect(mail.sent).to.have.length(2);
    // Only the newest link works.
    const [first, second] = mail.sent.map((m) => new URL(linkIn(m.text)).pathname);
    expect((await agentOf(t.app).get(first!)).status).to.equal(410);
    expect((await agentOf(t.app).get(second!)).status).to.equal(200);
  });

  it('when the reset link is over an hour old, then it says it has expired and offers to ask for a new one', async () => {
    const user = await makeUser({ email: 'slow@example.org' });
    await askForReset(agentOf(t.app), user.email);
    const path = new URL(linkIn(mail.sent[0]?.text ?? '')).pathname;
    await AccountLinkModel.updateOne({ user: user._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const page = await agentOf(t.app).get(path);
    expect(page.status).to.equal(410);
    expect(page.text).to.contain('유효 기간이 지난 링크입니다');
    expect(page.text).to.contain('href="/account/forgot"');
    expect((await setPassword(agentOf(t.app), path)).status).to.equal(410);
  });

  it('when the address is not an email, then the form says so beside the field', async () => {
    const res = await askForReset(agentOf(t.app), 'not an email');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('올바른 이메일 주소를 입력하세요');
    expect(res.text).to.contain('value="not an email"');
  });
});

describe('password reset without email (SMTP not configured)', () => {
  const mail = captureMail();
  const t = useTestApp({}, defaultLoginLimits, mail.transport);

  it('when someone asks for a reset, then the page says to ask an administrator and no email is sent', async () => {
    const user = await makeUser({ email: 'nomail@example.org' });
    const form = await agentOf(t.app).get('/account/forgot');
    expect(form.text).to.contain('관리자에게 비밀번호 재설정 링크를 요청하세요');
    expect(form.text).to.not.contain('id="f-email"');
    const res = await askForReset(agentOf(t.app), user.email);
    expect(res.status).to.equal(200);
    expect(mail.sent).to.have.length(0);
    expect(await AccountLinkModel.countDocuments({})).to.equal(0);
  });

  it('when an admin creates a reset link and the user uses it, then every other session of the user ends and the new password works', async () => {
    const laptop = await loginAs(t.app, 'staff');
    const phone = agentOf(t.app);
    expect((await signIn(phone, laptop.email, TEST_PASSWORD)).status).to.equal(302);
    const admin = await loginAs(t.app, 'admin');
    const res = await admin
      .post(`/admin/users/${laptop.userId}/reset-link`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('비밀번호 재설정 링크');
    expect(res.text).to.contain('이메일이 설정되지 않아');
    const path = /id="issued-link" type="url" value="[^"]*?(\/account\/reset\/[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!;
    expect(mail.sent).to.have.length(0);
    const holder = agentOf(t.app);
    expect((await setPassword(holder, path)).status).to.equal(302);
    expect((await laptop.get('/')).headers.location).to.equal('/login');
    expect((await phone.get('/')).headers.location).to.equal('/login');
    expect((await holder.get('/')).status).to.equal(200);
    expect((await signIn(agentOf(t.app), laptop.email, NEW_PASSWORD)).status).to.equal(302);
    // The admin's page tells the link has been used.
    expect((await admin.get(`/admin/users/${laptop.userId}/edit`)).text).to.contain('마지막 링크는');
  });

  it('when an admin asks for a reset link of an invited user, then they are told to send an invitation instead', async () => {
    const invited = await UserModel.create({ email: 'pending@example.org', name: 'P', role: 'viewer' });
    const admin = await loginAs(t.app, 'admin');
    const res = await admin
      .post(`/admin/users/${invited._id}/reset-link`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect(res.status).to.equal(302);
    expect((await admin.get(`/admin/users/${invited._id}/edit`)).text).to.contain(
      '아직 초대를 수락하지 않은 사용자입니다',
    );
    expect(await AccountLinkModel.countDocuments({})).to.equal(0);
  });
});
