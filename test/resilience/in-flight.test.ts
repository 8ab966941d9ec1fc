import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { createInFlight } from '../../server/lib/in-flight.js';
import { errorHandler } from '../../server/lib/error-handler.js';
import { useViews } from '../../server/lib/view-engine.js';

function appWith(inFlight: ReturnType<typeof createInFlight>) {
  const app = express();
  useViews(app);
  app.use(inFlight.track);
  app.get('/slow', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 300));
    res.send('done');
  });
  app.get('/fast', (_req, res) => void res.send('fast'));
  app.use(errorHandler({ showStack: false }));
  return app;
}

describe('resilience: requests in flight', () => {
  it('when requests are running, then they are counted until their responses finish', async () => {
    // Arrange
    const inFlight = createInFlight();
    const app = appWith(inFlight);
    // Act
    const slow = supertest(app)
      .get('/slow')
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 100));
    const during = inFlight.count;
    await slow;
    // Assert
    expect(during).to.equal(1);
    expect(inFlight.count).to.equal(0);
  });

  it('when draining, then a new request gets 503 with Connection: close, and waitForIdle resolves once the running one finished', async () => {
    // Arrange
    const inFlight = createInFlight();
    const app = appWith(inFlight);
    const slow = supertest(app)
      .get('/slow')
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 100));
    // Act
    inFlight.startDraining();
    const refused = await supertest(app).get('/fast').set('Accept', 'application/json');
    const idle = await inFlight.waitForIdle(5000);
    // Assert
    expect(refused.status).to.equal(503);
    expect(refused.headers.connection).to.equal('close');
    expect(refused.headers['retry-after']).to.equal('5');
    expect(idle).to.equal(true);
    expect((await slow).text).to.equal('done');
  });

  it('when a request goes on working after its answer, then that work is counted until it settles, failed or not', async () => {
    const inFlight = createInFlight();
    let finish = () => {};
    let fail = (_: Error) => {};
    inFlight.hold(new Promise<void>((resolve) => (finish = resolve)));
    inFlight.hold(new Promise<void>((_, reject) => (fail = reject)));
    expect(inFlight.count).to.equal(2);
    expect(await inFlight.waitForIdle(20)).to.equal(false);
    const idle = inFlight.waitForIdle(2000);
    finish();
    fail(new Error('mail server down'));
    expect(await idle).to.equal(true);
    expect(inFlight.count).to.equal(0);
  });

  it('when a request outlasts the wait, then waitForIdle resolves false at the timeout', async () => {
    const inFlight = createInFlight();
    const app = appWith(inFlight);
    const slow = supertest(app)
      .get('/slow')
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    expect(await inFlight.waitForIdle(100)).to.equal(false);
    expect(Date.now() - started).to.be.lessThan(250);
    await slow;
  });
});
