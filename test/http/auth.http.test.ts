import { expect } from 'chai';
import { buildTestApp, useTestApp, agentOf, csrfFrom, loginAs } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';
import { UserModel } from '../../models/user.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { defaultLoginLimits } from '../../server/auth/login-limiter.js';

describe('signing in and out', () => {
  const t = useTestApp(
    {},
    { ...defaultLoginLimits, accountAndIp: { failures: 3, windowSeconds: 600, blockSeconds: 600 } },
  );

  async function attempt(agent: ReturnType<typeof agentOf>, email: string, password: string) {
    const page = await agent.get('/login');
    return agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password });
  }

  it('when an anonymous visitor opens a page, then they are sent to /login and come back there after signing in', async () => {
    const user = await makeUser({ role: 'admin' });
    const agent = agentOf(t.app);
    const first = await agent.get('/admin/users');
    expect(first.status).to.equal(302);
    expect(first.headers.location).to.equal('/login');
    const res = await attempt(agent, user.email, TEST_PASSWORD);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/admin/users');
    const page = await agent.get('/admin/users');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(user.email);
    expect(await AuditEntryModel.countDocuments({ entityId: user._id, action: 'login' })).to.equal(1);
  });

  it('when the password is wrong, then the form comes back with the email kept and a message', async () => {
    const user = await makeUser();
    const res = await attempt(agentOf(t.app), user.email, 'wrong password');
    expect(res.status).to.equal(401);
    expect(res.text).to.contain(`value="${user.email}"`);
    expect(res.text).to.match(/이메일 또는 비밀번호가 올바르지 않습니다|Email or password is incorrect/);
  });

  it('when the account is deactivated, then it cannot sign in and is told so', async () => {
    const user = await makeUser({ active: false });
    const res = await attempt(agentOf(t.app), user.email, TEST_PASSWORD);
    expect(res.status).to.equal(403);
    expect(res.text).to.match(/비활성화된 계정입니다|This account has been deactivated/);
  });

  it('when signing in with a session id already set, then the session id changes (no session fixation)', async () => {
    const user = await makeUser();
    const agent = agentOf(t.app);
    const signIn = async () => {
      const page = await agent.get('/login');
      return agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    };
    // Nothing is stored for the sign-in page itself; the first sign-in creates the session.
    const first = await signIn();
    const before = /tipstown\.sid=([^;]+)/.exec(String(first.headers['set-cookie']))![1];
    const token = csrfFrom((await agent.get('/').set('Accept', 'text/html')).text);
    expect((await agent.post('/logout').type('form').send({ _csrf: token })).headers.location).to.equal('/login');
    agent.jar.setCookie(`tipstown.sid=${before}`);
    const res = await signIn();
    const after = /tipstown\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))![1];
    expect(after).to.be.a('string');
    expect(after).to.not.equal(before);
    expect(String(res.headers['set-cookie'])).to.match(/HttpOnly/i);
  });

  it('when an account fails repeatedly from one IP, then even the right password from that IP is refused for a while (429)', async () => {
    const user = await makeUser();
    const agent = agentOf(t.app);
    for (let i = 0; i < 3; i++) expect((await attempt(agent, user.email, 'nope')).status).to.equal(401);
    const blocked = await attempt(agent, user.email, TEST_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
    expect(blocked.text).to.match(/분 후에 다시 시도하세요|Try again in/);
    // Another account from the same IP is not blocked by this pair's failures.
    const other = await makeUser();
    expect((await attempt(agentOf(t.app), other.email, TEST_PASSWORD)).status).to.equal(302);
  });

  it('when one IP fails across many accounts, then that IP is blocked', async () => {
    const strict = await buildTestApp(
      {},
      { ...defaultLoginLimits, ip: { failures: 2, windowSeconds: 600, blockSeconds: 600 } },
    );
    try {
      const agent = agentOf(strict.app);
      await attempt(agent, 'a@x.example', 'nope');
      await attempt(agent, 'b@x.example', 'nope');
      const user = await makeUser();
      expect((await attempt(agent, user.email, TEST_PASSWORD)).status).to.equal(429);
    } finally {
      await strict.close();
    }
  });

  it('when signing out, then the session no longer reaches pages, and Back cannot show them from the cache', async () => {
    const agent = await loginAs(t.app, 'staff');
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.headers['cache-control']).to.equal('no-store');
    expect((await agent.get('/firms')).headers['cache-control']).to.equal('no-store');
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: await agent.csrf() });
    expect(out.status).to.equal(302);
    expect((await agent.get('/')).headers.location).to.equal('/login');
  });

  it('when a user is deactivated by an admin, then their open session stops working and the sign-in page says why', async () => {
    const agent = await loginAs(t.app, 'staff');
    await UserModel.updateOne({ email: agent.email }, { $set: { active: false } });
    const bounced = await agent.get('/firms').set('Accept-Language', 'en');
    expect(bounced.status).to.equal(302);
    expect(bounced.headers.location).to.equal('/login');
    const login = await agent.get('/login').set('Accept-Language', 'en');
    expect(login.text).to.contain('Your account has been deactivated, so you were signed out.');
    // Said once: the next visit to the sign-in page is a plain one.
    expect((await agent.get('/login')).text).to.not.contain('signed out');
    expect((await agentOf(t.app).get('/login').set('Accept-Language', 'en')).text).to.not.contain('deactivated');
  });

  it('when a returnTo points off-site, then sign-in lands on the dashboard instead', async () => {
    const user = await makeUser();
    const agent = agentOf(t.app);
    await agent.get('//evil.example/x');
    const res = await attempt(agent, user.email, TEST_PASSWORD);
    expect(res.headers.location).to.equal('/');
  });

  it('when the sign-in page is shown, then it offers "forgot password" with labelled fields', async () => {
    const page = await agentOf(t.app).get('/login');
    expect(page.text).to.contain('<a href="/account/forgot" id="forgot-link">비밀번호를 잊으셨나요?</a>');
    const en = await agentOf(t.app).get('/login').set('Cookie', 'lang=en');
    expect(en.text).to.contain('Forgot your password?');
  });

  it('when an invited account has no password yet, then no password signs it in', async () => {
    await UserModel.create({ email: 'invited@x.example', name: 'Invited', role: 'staff' });
    expect((await attempt(agentOf(t.app), 'invited@x.example', '')).status).to.equal(422);
    expect((await attempt(agentOf(t.app), 'invited@x.example', TEST_PASSWORD)).status).to.equal(401);
  });
});
