import { expect } from 'chai';
import express, { type RequestHandler } from 'express';
import { MongoNetworkError } from 'mongodb';
import supertest from 'supertest';
import { errorHandler } from '../../server/lib/error-handler.js';
import { createI18n, i18nMiddleware } from '../../server/lib/i18n.js';
import { viewLocals } from '../../server/lib/view-locals.js';
import { useViews } from '../../server/lib/view-engine.js';

// An app whose database fails at a chosen point: before any page context (the request gates mounted first), or after
// it, where express-session's store read fails before any route.
async function appFailingWith(err: unknown, opts: { afterPageContext: boolean }) {
  const app = express();
  useViews(app);
  if (opts.afterPageContext) app.use(i18nMiddleware(await createI18n()), viewLocals);
  const failing: RequestHandler = (_req, _res, next) => next(err);
  app.use(failing);
  app.use(errorHandler({ showStack: true }));
  return app;
}

describe('resilience: the "temporarily unavailable" page', () => {
  for (const afterPageContext of [false, true]) {
    const where = afterPageContext
      ? 'in the session store, after the page context'
      : 'before the page context was set up';
    it(`when the database is unreachable ${where}, then a 503 page in the visitor's language with Retry-After, never a stack`, async () => {
      // Arrange
      const app = await appFailingWith(new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'), {
        afterPageContext,
      });

      // Act
      const ko = await supertest(app).get('/firms').set('Accept', 'text/html');
      const en = await supertest(app).get('/firms').set('Accept', 'text/html').set('Accept-Language', 'en');

      // Assert
      expect(ko.status).to.equal(503);
      expect(ko.headers['retry-after']).to.equal('5');
      expect(ko.text).to.contain('일시적으로 사용할 수 없습니다');
      expect(ko.text).not.to.match(/ECONNREFUSED|class="stack"/);
      expect(en.status).to.equal(503);
      expect(en.text).to.contain('Temporarily unavailable');
    });
  }

  it('when a JSON client meets an unreachable database, then 503 with error "unavailable"', async () => {
    const app = await appFailingWith(new MongoNetworkError('read ECONNRESET'), { afterPageContext: true });
    const res = await supertest(app).get('/firms').set('Accept', 'application/json');
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ error: 'unavailable', message: 'temporarily unavailable' });
  });

  it('when the code fails for another reason, then it is still a 500 with the stack outside production', async () => {
    const app = await appFailingWith(new TypeError('boom'), { afterPageContext: false });
    const res = await supertest(app).get('/firms').set('Accept', 'text/html');
    expect(res.status).to.equal(500);
    expect(res.headers['retry-after']).to.equal(undefined);
    expect(res.text).to.contain('TypeError: boom');
  });
});
