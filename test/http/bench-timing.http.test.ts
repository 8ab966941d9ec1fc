import { expect } from 'chai';
import mongoose from 'mongoose';
import { agentOf, buildTestApp, loginAs, type TestApp } from '../helpers/app.js';
import { captureCommands } from '../helpers/commands.js';
import { makeFirm } from '../helpers/factories.js';
import { watchCommands } from '../../server/db/db-timing.js';
import { mountBenchBaseline } from '../../server/health/index.js';

// npm run bench reads each page's database time and command count from the Server-Timing header; the figures must be
// the page's own.
describe('benchmark timing (BENCH_TIMING=1)', () => {
  let built: TestApp;
  before(async () => {
    built = await buildTestApp({ BENCH_TIMING: '1', BENCH_BASELINE: '1' }, undefined, mountBenchBaseline);
    watchCommands(mongoose.connection.getClient());
  });
  after(() => built.close());

  it('when a signed-in page is read, then Server-Timing gives the commands that page sent and the time spent waiting on them', async () => {
    await makeFirm({ nameKo: '타이밍기업', nameEn: 'Timing Corp' });
    const staff = await loginAs(built.app, 'staff');
    const { result, commands } = await captureCommands(() => staff.get('/firms').set('Accept', 'text/html'));
    expect(result.status).to.equal(200);
    const m = /^db;dur=(\d+(?:\.\d+)?);desc="(\d+) commands"$/.exec(String(result.headers['server-timing']));
    expect(m, String(result.headers['server-timing'])).to.not.equal(null);
    expect(Number(m![2])).to.equal(commands.length);
    expect(Number(m![1])).to.be.greaterThan(0);
  });

  it('when the baseline page is read, then it renders its in-memory table after the same sign-in checks', async () => {
    const staff = await loginAs(built.app, 'staff');
    const res = await staff.get('/__bench/baseline').set('Accept', 'text/html');
    expect(res.status).to.equal(200);
    expect(res.text.match(/<tr/g)?.length ?? 0).to.be.at.least(50);
    expect(res.headers['server-timing']).to.match(/desc="\d+ commands"/);
    const anonymous = await agentOf(built.app).get('/__bench/baseline');
    expect(anonymous.status).to.equal(302);
  });
});
