import { expect } from 'chai';
import http from 'node:http';
import { startAppProcess, type AppProcess } from './app-process.js';

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string; at: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function get(port: number, path: string, agent: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { Accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, at: Date.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// The slow route (/__test/slow, NODE_ENV=test only) sleeps, then uses the database and answers 200 with db "up".
describe('resilience: graceful shutdown', function () {
  this.timeout(180_000);

  describe('when SIGTERM arrives while requests are in flight', () => {
    let app: AppProcess | undefined;
    before(async () => {
      app = await startAppProcess({ NODE_ENV: 'test', DEMO_DATA: 'false', SHUTDOWN_TIMEOUT_MS: '20000' });
    });
    after(() => app?.kill());

    it('then they finish with the database still open, new connections are refused, a kept-alive connection is told to close, and the process exits 0', async () => {
      // Arrange: a slow request on its own connection, and a shorter one on a kept-alive connection with a second request queued behind it
      const a = app!;
      const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const slow = get(a.port, '/__test/slow?ms=4000', new http.Agent());
      const first = get(a.port, '/__test/slow?ms=1500', keptAlive);
      const second = get(a.port, '/__test/slow?ms=10', keptAlive); // sent on the same socket once `first` is answered
      await sleep(500);

      // Act
      const signalledAt = Date.now();
      a.proc.kill('SIGTERM');
      await a.waitForOutput(/SIGTERM: finishing 2 requests in flight/, 5000);
      const fresh = await get(a.port, '/healthz', new http.Agent()).catch((err: NodeJS.ErrnoException) => err);
      const [slowReply, firstReply, secondReply] = await Promise.all([slow, first, second]);
      const exit = await a.exited;
      keptAlive.destroy();

      // Assert: the requests in flight finished normally, after the signal, with the database still there
      expect(slowReply.status).to.equal(200);
      expect(JSON.parse(slowReply.body)).to.deep.equal({ slept: 4000, db: 'up' });
      expect(slowReply.at - signalledAt).to.be.greaterThan(3000);
      expect(firstReply.status).to.equal(200);
      // a new connection is refused (or, when it reached the listen backlog just before the listener closed, reset unserved);
      // a new request on the kept-alive connection gets 503 and Connection: close
      expect((fresh as NodeJS.ErrnoException).code).to.be.oneOf(['ECONNREFUSED', 'ECONNRESET']);
      expect(secondReply.status).to.equal(503);
      expect(secondReply.headers.connection).to.equal('close');
      expect(secondReply.headers['retry-after']).to.match(/^\d+$/);
      // and the process closed the database after the last request and exited 0
      expect(exit).to.deep.equal({ code: 0, signal: null });
      expect(a.output()).to.contain('"msg":"stopped"');
    });
  });

  describe('when a request outlasts SHUTDOWN_TIMEOUT_MS', () => {
    let app: AppProcess | undefined;
    before(async () => {
      app = await startAppProcess({ NODE_ENV: 'test', DEMO_DATA: 'false', SHUTDOWN_TIMEOUT_MS: '1000' });
    });
    after(() => app?.kill());

    it('then the app stops waiting for it after the timeout and exits 0', async () => {
      // Arrange
      const a = app!;
      const stuck = get(a.port, '/__test/slow?ms=30000', new http.Agent()).catch((err: Error) => err);
      await sleep(300);

      // Act
      const signalledAt = Date.now();
      a.proc.kill('SIGTERM');
      const exit = await a.exited;

      // Assert
      expect(exit).to.deep.equal({ code: 0, signal: null });
      expect(Date.now() - signalledAt).to.be.lessThan(10_000);
      expect(a.output()).to.contain('1 requests still running after 1000 ms: closing anyway');
      expect(await stuck).to.be.instanceOf(Error);
    });
  });
});
