import { expect } from 'chai';
import mongoose from 'mongoose';
import { useTestApp, agentOf, csrfFrom } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';
import type { LoginLimits } from '../../server/auth/login-limiter.js';

// Small numbers so each rule is reached in a few requests; the request IP comes from X-Forwarded-For (TRUST_PROXY=1).
const limits: LoginLimits = {
  accountAndIp: { failures: 3, windowSeconds: 3600, blockSeconds: 600 },
  ip: { failures: 6, windowSeconds: 600, blockSeconds: 900 },
  account: { slowAfter: 4, windowSeconds: 600, firstDelayMs: 150, maxDelayMs: 300 },
};

const TOO_MANY = /분 후에 다시 시도하세요|Try again in/;
const FAILED = /이메일 또는 비밀번호가 올바르지 않습니다|Email or password is incorrect/;
const DEACTIVATED = /비활성화된 계정입니다|This account has been deactivated/;

describe('sign-in limits (per account and IP, per IP, per account)', () => {
  const t = useTestApp({ TRUST_PROXY: '1' }, limits);

  // Sign-in attempts from one IP address, each from a fresh browser session.
  function browserAt(ip: string) {
    return async (email: string, password: string) => {
      const agent = agentOf(t.app);
      const page = await agent.get('/login').set('X-Forwarded-For', ip);
      return agent
        .post('/login')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email, password });
    };
  }

  const pairRow = (email: string, ip: string) =>
    mongoose.connection.collection('login_limits').findOne({ key: `acct_ip:${email}_${ip}` });

  it('when one IP fails on an account 3 times in a row, then that IP is refused even with the right password for the whole block (429 with Retry-After)', async () => {
    const user = await makeUser();
    const attacker = browserAt('198.51.100.1');
    for (let i = 0; i < 3; i++) expect((await attacker(user.email, 'nope')).status).to.equal(401);
    const blocked = await attacker(user.email, TEST_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers['retry-after'])).to.be.within(590, 600);
    expect(blocked.text).to.match(TOO_MANY);
    expect(blocked.text).to.match(/10분|10 minutes/);
    expect((await pairRow(user.email, '198.51.100.1'))?.points).to.be.greaterThan(3);
  });

  it('when one IP is locked out of an account, then the owner at another IP still signs in', async () => {
    const user = await makeUser();
    const attacker = browserAt('198.51.100.2');
    for (let i = 0; i < 3; i++) await attacker(user.email, 'nope');
    expect((await attacker(user.email, TEST_PASSWORD)).status).to.equal(429);
    const owner = await browserAt('203.0.113.2')(user.email, TEST_PASSWORD);
    expect(owner.status).to.equal(302);
    expect(owner.headers.location).to.equal('/');
  });

  it('when the owner signs in, then only the count of that account and IP starts over', async () => {
    const user = await makeUser();
    const home = browserAt('203.0.113.3');
    const attacker = browserAt('198.51.100.3');
    await home(user.email, 'typo');
    await home(user.email, 'typo');
    await attacker(user.email, 'nope');
    await attacker(user.email, 'nope');
    expect((await home(user.email, TEST_PASSWORD)).status).to.equal(302);
    expect(await pairRow(user.email, '203.0.113.3')).to.equal(null);
    // Two more typos at home: the count started over, so no lock.
    expect((await home(user.email, 'typo')).status).to.equal(401);
    expect((await home(user.email, 'typo')).status).to.equal(401);
    expect((await home(user.email, TEST_PASSWORD)).status).to.equal(302);
    // The owner's success did not reset the attacker's pair: a third failure there locks it.
    expect((await attacker(user.email, 'nope')).status).to.equal(401);
    expect((await attacker(user.email, TEST_PASSWORD)).status).to.equal(429);
  });

  it('when one IP fails across many accounts, then that IP is refused for every account for the whole block, and other IPs are not', async () => {
    const attacker = browserAt('198.51.100.4');
    for (let i = 0; i < 6; i++) expect((await attacker(`guess${i}@x.example`, 'nope')).status).to.equal(401);
    const user = await makeUser();
    const blocked = await attacker(user.email, TEST_PASSWORD);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers['retry-after'])).to.be.within(890, 900);
    expect(blocked.text).to.match(/15분|15 minutes/);
    expect((await browserAt('203.0.113.4')(user.email, TEST_PASSWORD)).status).to.equal(302);
  });

  it('when an account fails from many IPs, then its attempts are slowed down but the owner is never locked out', async () => {
    const user = await makeUser();
    // 8 failures on the account, 2 from each of 4 IPs: each pair stays under its lock, the account passes its slow-down point.
    for (const ip of ['198.51.100.10', '198.51.100.11', '198.51.100.12', '198.51.100.13']) {
      const attacker = browserAt(ip);
      for (let i = 0; i < 2; i++) expect((await attacker(user.email, 'nope')).status).to.equal(401);
    }
    const owner = browserAt('203.0.113.5');
    const started = Date.now();
    const res = await owner(user.email, TEST_PASSWORD);
    const tookMs = Date.now() - started;
    expect(res.status).to.equal(302);
    expect(tookMs).to.be.at.least(limits.account.maxDelayMs - 20);
    expect(
      (await mongoose.connection.collection('login_limits').findOne({ key: `acct:${user.email}` }))?.points,
    ).to.equal(8);
  });

  it('when an admin account is attacked from one IP, then the admin at another IP still signs in and reaches admin pages', async () => {
    const admin = await makeUser({ role: 'admin' });
    const attacker = browserAt('198.51.100.5');
    for (let i = 0; i < 3; i++) await attacker(admin.email, 'nope');
    expect((await attacker(admin.email, TEST_PASSWORD)).status).to.equal(429);
    const agent = agentOf(t.app);
    const page = await agent.get('/login').set('X-Forwarded-For', '203.0.113.6');
    const res = await agent
      .post('/login')
      .set('X-Forwarded-For', '203.0.113.6')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: TEST_PASSWORD });
    expect(res.status).to.equal(302);
    expect((await agent.get('/admin/users').set('X-Forwarded-For', '203.0.113.6')).status).to.equal(200);
  });

  it('when a deactivated user types the right password, then they are told the account is deactivated; a wrong password reads as usual', async () => {
    const user = await makeUser({ active: false });
    const browser = browserAt('203.0.113.7');
    const right = await browser(user.email, TEST_PASSWORD);
    expect(right.status).to.equal(403);
    expect(right.text).to.match(DEACTIVATED);
    expect(right.text).to.not.match(FAILED);
    expect(await pairRow(user.email, '203.0.113.7')).to.equal(null);
    const wrong = await browser(user.email, 'nope');
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.match(FAILED);
    expect(wrong.text).to.not.match(DEACTIVATED);
    const unknown = await browser('nobody@x.example', 'nope');
    expect([unknown.status, FAILED.exec(unknown.text)?.[0]]).to.deep.equal([
      wrong.status,
      FAILED.exec(wrong.text)?.[0],
    ]);
  });
});
