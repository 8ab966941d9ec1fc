import { expect } from 'chai';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { buildTestApp, useTestApp, agentOf, loginAs } from '../helpers/app.js';
import { UserModel } from '../../models/user.model.js';
import { reconnectTestDatabase } from '../helpers/root-hooks.js';

describe('security baseline', () => {
  const t = useTestApp();

  it('when a form is posted without a CSRF token, then it is refused and nothing changes', async () => {
    const admin = await loginAs(t.app, 'admin');
    const res = await admin
      .post('/admin/users')
      .type('form')
      .send({ email: 'sneaky@x.example', name: 'S', role: 'admin', password: 'long enough password' });
    expect(res.status).to.equal(403);
    expect(await UserModel.exists({ email: 'sneaky@x.example' })).to.equal(null);
  });

  it('when a token from another session is used, then it is refused', async () => {
    const admin = await loginAs(t.app, 'admin');
    const other = await loginAs(t.app, 'admin');
    const res = await admin
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: await other.csrf(),
        email: 'x2@x.example',
        name: 'S',
        role: 'admin',
        password: 'long enough password',
      });
    expect(res.status).to.equal(403);
  });

  it('pages carry a strict Content-Security-Policy without upgrade-insecure-requests on plain HTTP', async () => {
    const res = await agentOf(t.app).get('/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(csp).to.not.contain('upgrade-insecure-requests');
  });

  it('when a login sends an object instead of a string, then it is rejected before reaching a query', async () => {
    const agent = agentOf(t.app);
    const page = await agent.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent.post('/login').type('form').send(`_csrf=${token}&email[$ne]=x&password=y`);
    expect(res.status).to.equal(400);
  });

  it('when a page does not exist, then a 404 page is shown in the user language', async () => {
    const res = await agentOf(t.app).get('/no-such-page').set('Accept-Language', 'en');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('Page not found');
  });

  it('when something fails in production, then the 500 page shows no stack trace', async () => {
    const prod = await buildTestApp(
      { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), MONGODB_URI: 'mongodb://unused:27017/x' },
      undefined,
      (app) =>
        app.get('/boom', () => {
          throw new Error('secret internals at /srv/app.ts:42');
        }),
    );
    try {
      const res = await supertest(prod.app).get('/boom').set('Accept', 'text/html');
      expect(res.status).to.equal(500);
      expect(res.text).to.not.contain('secret internals');
      expect(res.text).to.not.match(/at .*\.ts:\d+/);
      expect(res.text).to.match(/문제가 발생했습니다|Something went wrong/);
      const json = await supertest(prod.app).get('/boom').set('Accept', 'application/json');
      expect(json.body).to.deep.equal({ error: 'server_error', message: 'internal error' });
      const missing = await supertest(prod.app).get('/nothing-here');
      expect(missing.status).to.equal(404);
      expect(String(missing.headers['set-cookie'] ?? '')).to.not.contain('secure');
    } finally {
      await prod.close();
    }
  });

  it('when the failure comes before the user is known (e.g. the session store is down), then the 500 page still renders without a stack', async () => {
    const prod = await buildTestApp(
      { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), MONGODB_URI: 'mongodb://unused:27017/x' },
      undefined,
      (app) =>
        app.get('/early-boom', (_req, res) => {
          // What an error raised before the session and user middleware leaves: no user, no token, no flash.
          delete res.locals.user;
          delete res.locals.csrfToken;
          delete res.locals.flash;
          throw new Error('internals');
        }),
    );
    try {
      const res = await supertest(prod.app).get('/early-boom').set('Accept', 'text/html');
      expect(res.status).to.equal(500);
      expect(res.text).to.match(/문제가 발생했습니다|Something went wrong/);
      expect(res.text).to.not.contain('ReferenceError');
      expect(res.text).to.not.contain('internals');
    } finally {
      await prod.close();
    }
  });

  it('in production, cookies are marked Secure', async () => {
    const prod = await buildTestApp({
      NODE_ENV: 'production',
      SESSION_SECRET: 's'.repeat(40),
      MONGODB_URI: 'mongodb://unused:27017/x',
    });
    try {
      const res = await supertest(prod.app).get('/login').set('X-Forwarded-Proto', 'https');
      // express-session only sends a Secure cookie over HTTPS; over plain HTTP it sends none at all.
      const cookie = String(res.headers['set-cookie'] ?? '');
      expect(cookie === '' || /Secure/i.test(cookie)).to.equal(true);
      expect(String(res.headers['content-security-policy'])).to.contain('upgrade-insecure-requests');
    } finally {
      await prod.close();
    }
  });
});

describe('/healthz', () => {
  const t = useTestApp();

  it('answers 200 while the database is reachable and 503 when it is not', async () => {
    expect((await supertest(t.app).get('/healthz')).status).to.equal(200);
    await mongoose.disconnect();
    try {
      const down = await supertest(t.app).get('/healthz');
      expect(down.status).to.equal(503);
      expect(down.body).to.include({ db: 'down' });
    } finally {
      await reconnectTestDatabase(); // with command monitoring on: later tests in this worker capture commands
    }
    expect((await supertest(t.app).get('/healthz')).status).to.equal(200);
  });
});

describe('language', () => {
  const t = useTestApp();

  it('follows Accept-Language, defaulting to Korean', async () => {
    expect((await agentOf(t.app).get('/login')).text).to.contain('로그인');
    expect((await agentOf(t.app).get('/login').set('Accept-Language', 'en-US,en;q=0.9')).text).to.contain('Sign in');
  });

  it('when the toggle is used, then the choice persists across pages and overrides the browser', async () => {
    const agent = await loginAs(t.app, 'staff');
    const res = await agent
      .post('/lang')
      .type('form')
      .send({ _csrf: await agent.csrf(), lang: 'en', next: '/' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/');
    const page = await agent.get('/').set('Accept-Language', 'ko');
    expect(page.text).to.contain('Dashboard');
    expect(page.text).to.contain('<html lang="en">');
    await agent
      .post('/lang')
      .type('form')
      .send({ _csrf: await agent.csrf(), lang: 'ko', next: '/' });
    expect((await agent.get('/')).text).to.contain('대시보드');
  });
});
