import { expect } from 'chai';
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { DEMO_PASSWORD } from '../../server/seed/demo-data.js';
import { browser, startAppProcess, type AppProcess } from './app-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Takes the dead FerretDB's port as soon as it is free, so the app's restarts fail (bind error) until released.
async function occupyPort(port: number): Promise<net.Server> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const server = net.createServer((socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      return server;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(5);
    }
  }
}

async function waitForHealth(baseUrl: string, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
    if (res?.status === status) return Date.now() - started;
    if (Date.now() - started > withinMs)
      throw new Error(`/healthz did not answer ${status} within ${withinMs} ms (last: ${res?.status})`);
    await sleep(100);
  }
}

async function countFirms(port: number): Promise<number> {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/tipstown`, { serverSelectionTimeoutMS: 5000 });
  try {
    return await client.db('tipstown').collection('firms').countDocuments();
  } finally {
    await client.close();
  }
}

const firmIds = (html: string) =>
  [...new Set([...html.matchAll(/href="\/firms\/([0-9a-f]{24})"/g)].map((m) => m[1]))].sort();

function skipUnlessFerretdb(ctx: Mocha.Context, app: AppProcess): void {
  if (app.provider === 'ferretdb') return;
  process.stderr.write(
    `  skipped: the provider chain chose "${app.provider}", not FerretDB; only FerretDB runs as a supervised child\n`,
  );
  ctx.skip();
}

describe('resilience: the embedded database process dies', function () {
  this.timeout(240_000);

  describe('when FerretDB is killed and its first restarts fail', () => {
    let app: AppProcess | undefined;
    before(async function () {
      app = await startAppProcess({ NODE_ENV: 'development', DEMO_DATA: 'true' });
      skipUnlessFerretdb(this, app);
    });
    after(() => app?.kill());

    it('then pages answer 503 "temporarily unavailable" within 2 s, FerretDB is restarted with backoff, and the data is intact', async () => {
      // Arrange: a signed-in staff member sees the demo firms
      const a = app!;
      const staff = browser(a.baseUrl);
      await staff.signIn('staff@example.org', DEMO_PASSWORD);
      const listBefore = await staff.get('/firms');
      expect(listBefore.status).to.equal(200);
      const idsBefore = firmIds(listBefore.text);
      expect(idsBefore.length).to.be.greaterThan(0);
      const countBefore = await countFirms(a.ferretdbPort!);
      const pid = a.ferretdbPid()!;

      // Act: kill -9 the child and hold its port for ~3 s, so the restarts after 0.5 s and 1 s fail
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const blocker = await occupyPort(a.ferretdbPort!);
      await waitForHealth(a.baseUrl, 503, 3000);
      const page = await staff.get('/firms'); // the driver may not know yet: the query fails and is mapped to 503
      await a.waitForOutput(/database connection lost/, 5000); // its heartbeat noticed: pages are refused without trying
      const refused = await staff.get('/firms');
      const json = await staff.get('/firms', { Accept: 'application/json' });
      await a.waitForOutput(/FerretDB restart attempt 2 failed/, 10_000);
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await waitForHealth(a.baseUrl, 200, 30_000);
      const recoveredAfter = Date.now() - killedAt;
      await a.waitForOutput(/FerretDB restarted \(attempt [3-5]\)/, 5000);

      // Assert: during the outage, the unavailable page at once, with Retry-After and no stack
      expect(page.status).to.equal(503);
      expect(page.ms).to.be.lessThan(2000);
      expect(page.headers.get('retry-after')).to.match(/^\d+$/);
      expect(page.text).to.contain('Temporarily unavailable');
      expect(page.text).not.to.match(/class="stack"|\n\s+at /);
      expect(refused.status).to.equal(503);
      expect(refused.ms).to.be.lessThan(500);
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
      expect(refused.text).to.contain('Temporarily unavailable');
      expect(json.status).to.equal(503);
      expect(JSON.parse(json.text)).to.deep.equal({ error: 'unavailable', message: 'temporarily unavailable' });
      // the restarts were logged with growing delays, and the child came back on the same port within 30 s
      expect(a.output()).to.match(/restarting FerretDB in 500 ms \(attempt 1 of 5\)/);
      expect(a.output()).to.match(/restarting FerretDB in 1000 ms \(attempt 2 of 5\)/);
      expect(a.ferretdbPid()).to.not.equal(pid);
      expect(recoveredAfter).to.be.lessThan(30_000);
      // the same session still works and every firm written before is there
      const listAfter = await staff.get('/firms');
      expect(listAfter.status).to.equal(200);
      expect(firmIds(listAfter.text)).to.deep.equal(idsBefore);
      expect(await countFirms(a.ferretdbPort!)).to.equal(countBefore);
    });
  });

  describe('when FerretDB is killed and every restart fails', () => {
    let app: AppProcess | undefined;
    before(async function () {
      app = await startAppProcess({ NODE_ENV: 'development', DEMO_DATA: 'false' });
      skipUnlessFerretdb(this, app);
    });
    after(() => app?.kill());

    it('then the app gives up after the bounded retries and exits non-zero, for its supervisor to restart it', async () => {
      // Arrange
      const a = app!;
      // Act: kill the child and never give its port back
      process.kill(a.ferretdbPid()!, 'SIGKILL');
      const blocker = await occupyPort(a.ferretdbPort!);
      try {
        const exit = await Promise.race([a.exited, sleep(60_000).then(() => 'still running' as const)]);
        // Assert
        expect(exit).to.deep.equal({ code: 1, signal: null });
        expect(a.output()).to.match(/restarting FerretDB in 8000 ms \(attempt 5 of 5\)/);
        expect(a.output()).to.contain('FerretDB could not be restarted after 5 attempts');
        expect(a.output()).not.to.match(/attempt 6/);
      } finally {
        await new Promise<void>((resolve) => blocker.close(() => resolve()));
      }
    });
  });
});
