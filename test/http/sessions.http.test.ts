import { expect } from 'chai';
import mongoose from 'mongoose';
import { useTestApp, loginAs, agentOf, csrfFrom } from '../helpers/app.js';
import { captureCommands } from '../helpers/commands.js';
import { UserModel } from '../../models/user.model.js';
import { verifyPassword } from '../../server/auth/passwords.js';
import { sweepExpiredSessions, SESSIONS_COLLECTION } from '../../server/sessions/index.js';
import { FirmModel } from '../../models/firm.model.js';
import { makeFirm, makeUser, TEST_PASSWORD } from '../helpers/factories.js';

describe('session upkeep', () => {
  const t = useTestApp();

  it('when sessions expire, then the sweep removes only them, signed-in users stay in, and later queries read the right data', async () => {
    const staff = await loginAs(t.app, 'staff');
    const sessions = mongoose.connection.collection(SESSIONS_COLLECTION);
    const live = await sessions.countDocuments();
    await sessions.insertMany([
      { _id: 'old-1' as never, expires: new Date(Date.now() - 60_000), session: '{}' },
      { _id: 'old-2' as never, expires: new Date(Date.now() - 1), session: '{}' },
    ]);
    expect(await sweepExpiredSessions()).to.equal(2);
    expect(await sessions.countDocuments()).to.equal(live);
    expect((await staff.get('/')).status).to.equal(200);
    // Right after the sweep, every pooled connection still answers its own query (an unacknowledged delete would not).
    const firms = await Promise.all(['A', 'B', 'C'].map((n) => makeFirm({ nameEn: `Sweep ${n}` })));
    for (let i = 0; i < 20; i++) {
      const f = firms[i % 3]!;
      expect((await FirmModel.findById(f._id).lean())!.nameEn).to.equal(f.nameEn);
    }
  });
});

describe('sessions: nothing stored before sign-in, reads by _id only', () => {
  const t = useTestApp();

  // 200 visits from one address: one stored session would show, and it is above the 100 failed sign-ins a day the
  // per-IP limit allows, so a limit that counted page views would refuse some (429).
  it('when 200 anonymous visitors open the sign-in page (and protected pages), then no session is stored', async function () {
    this.timeout(120_000);
    const sessions = mongoose.connection.collection(SESSIONS_COLLECTION);
    const before = await sessions.countDocuments();
    for (let i = 0; i < 200; i++) {
      const res = await agentOf(t.app).get(i % 10 === 0 ? '/firms' : '/login');
      expect(res.status).to.be.oneOf([200, 302]);
    }
    expect(await sessions.countDocuments()).to.equal(before);
  });

  it('when a visitor sent to the sign-in page signs in, then they land on the page they asked for', async () => {
    const user = await makeUser({ role: 'staff' });
    const agent = agentOf(t.app);
    expect((await agent.get('/investors?q=bnk')).headers.location).to.equal('/login');
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    expect(res.headers.location).to.equal('/investors?q=bnk');
  });

  it('when a signed-in page is served, then its session and user are read by _id alone', async () => {
    const staff = await loginAs(t.app, 'staff');
    const { commands } = await captureCommands(() => staff.get('/firms'));
    const reads = commands.filter(
      (c) => (c.collection === SESSIONS_COLLECTION || c.collection === 'users') && c.name === 'find',
    );
    expect(reads.map((c) => c.collection)).to.include.members([SESSIONS_COLLECTION, 'users']);
    for (const read of reads)
      expect(Object.keys(read.filter ?? {}), JSON.stringify(read.filter)).to.deep.equal(['_id']);
  });

  it('when a session has expired or its user was deactivated, then the user is sent to sign in', async () => {
    const expired = await loginAs(t.app, 'staff');
    await mongoose.connection
      .collection(SESSIONS_COLLECTION)
      .updateMany({ userId: expired.userId }, { $set: { expires: new Date(Date.now() - 1000) } });
    expect((await expired.get('/firms')).headers.location).to.equal('/login');
    const deactivated = await loginAs(t.app, 'staff');
    await UserModel.updateOne({ _id: deactivated.userId }, { $set: { active: false } });
    expect((await deactivated.get('/firms')).headers.location).to.equal('/login');
  });
});

describe('sessions end when a password or role changes', () => {
  const t = useTestApp();

  it("when a user's password is reset through an admin's reset link, then that user's open sessions end at once", async () => {
    const admin = await loginAs(t.app, 'admin');
    const staff = await loginAs(t.app, 'staff');
    expect((await staff.get('/firms')).status).to.equal(200);
    const issued = await admin
      .post(`/admin/users/${staff.userId}/reset-link`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    const path = /\/account\/reset\/[A-Za-z0-9_-]{43}/.exec(issued.text)![0];
    const holder = agentOf(t.app);
    const form = await holder.get(path);
    const res = await holder
      .post(path)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        newPassword: 'a brand new password',
        confirmPassword: 'a brand new password',
      });
    expect(res.status).to.equal(302);
    expect((await staff.get('/firms')).headers.location).to.equal('/login');
    expect((await admin.get('/admin/users')).status).to.equal(200);
  });

  it("when an admin changes a user's role, then the old session does not keep the old role", async () => {
    const admin = await loginAs(t.app, 'admin');
    const staff = await loginAs(t.app, 'staff');
    const token = await admin.csrf();
    await admin
      .post(`/admin/users/${staff.userId}`)
      .type('form')
      .send({ _csrf: token, name: 'Staff', role: 'viewer', active: 'true' });
    expect((await staff.get('/firms')).headers.location).to.equal('/login');
  });

  it('when a user changes their own password, then the current password is required and their other sessions end', async () => {
    const user = await makeUser({ role: 'staff' });
    const signIn = async () => {
      const agent = agentOf(t.app);
      const page = await agent.get('/login');
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
      return agent;
    };
    const phone = await signIn();
    const laptop = await signIn();
    const form = await laptop.get('/account/password');
    const wrong = await laptop
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        currentPassword: 'not my password',
        newPassword: 'another long password',
        confirmPassword: 'another long password',
      });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('현재 비밀번호가 맞지 않습니다');
    expect((await phone.get('/')).status).to.equal(200);
    const ok = await laptop
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(wrong.text),
        currentPassword: TEST_PASSWORD,
        newPassword: 'another long password',
        confirmPassword: 'another long password',
      });
    expect(ok.status).to.equal(302);
    expect((await laptop.get('/')).status).to.equal(200);
    expect((await phone.get('/')).headers.location).to.equal('/login');
    expect(
      await verifyPassword((await UserModel.findById(user._id).lean())!.passwordHash, 'another long password'),
    ).to.equal(true);
  });
});
