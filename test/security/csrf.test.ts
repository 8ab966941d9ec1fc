import { expect } from 'chai';
import { useTestApp, loginAs, agentOf, csrfFrom, type Agent } from '../helpers/app.js';
import { listRoutes, routeKey, isStateChanging, type AppRoute } from '../helpers/routes.js';
import { fillPath, makeRouteFixtures, snapshotDatabase } from '../helpers/route-fixtures.js';
import { FirmModel } from '../../models/firm.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { makeFirm, makeUser, TEST_PASSWORD } from '../helpers/factories.js';

type Encoding = 'urlencoded' | 'multipart' | 'json';

// A request of each encoding, as a forged form on another site (or a script) would send it, without the CSRF token.
function forge(agent: Agent, route: AppRoute, path: string, encoding: Encoding, token?: string) {
  const req = agent.post(path).set('Accept', 'text/html');
  const fields: Record<string, string> = {
    name: 'Forged',
    nameEn: 'Forged Co',
    sectorPrimary: 'payments',
    body: 'x',
    lang: 'en',
    kind: 'firms',
    ...(token ? { _csrf: token } : {}),
  };
  if (encoding === 'urlencoded') return req.type('form').send(fields);
  if (encoding === 'json') return req.type('json').send(fields);
  // The upload form's own fields (the upload route takes a handful of fields at most).
  let m = req.field('kind', 'firms');
  if (token) m = m.field('_csrf', token);
  return m.attach('file', Buffer.from('nameEn,sectorPrimary\nForged Co,payments\n'), 'forged.csv');
}

describe('CSRF: every state-changing route refuses a request without a valid token, whatever its encoding', () => {
  const t = useTestApp();

  it('when any POST/PUT/PATCH/DELETE route gets urlencoded, multipart or JSON without a token, then 403 and nothing changes', async function () {
    this.timeout(180_000);
    const admin = await loginAs(t.app, 'admin');
    const problems: string[] = [];
    const routes = listRoutes(t.app).filter(isStateChanging);
    expect(routes.length).to.be.greaterThan(20);
    const encodings = ['urlencoded', 'multipart', 'json'] as const;
    // One set of fixture records and one snapshot before and after every forged request (a snapshot per request made
    // this test take minutes); only when something changed are the requests replayed one by one to name the writer.
    const fixtures = await makeRouteFixtures();
    const before = await snapshotDatabase();
    for (const route of routes)
      for (const encoding of encodings) {
        const res = await forge(admin, route, fillPath(route.path, fixtures), encoding);
        if (res.status !== 403) problems.push(`${routeKey(route)} ${encoding}: ${res.status}`);
      }
    if ((await snapshotDatabase()) !== before)
      for (const route of routes)
        for (const encoding of encodings) {
          const path = fillPath(route.path, await makeRouteFixtures());
          const snapshot = await snapshotDatabase();
          await forge(admin, route, path, encoding);
          if ((await snapshotDatabase()) !== snapshot)
            problems.push(`${routeKey(route)} ${encoding}: database changed`);
        }
    expect(problems).to.deep.equal([]);
    // The session survived every forged sign-out.
    expect((await admin.get('/').set('Accept', 'text/html')).status).to.equal(200);
  });

  it('when a multipart request carries a valid token to a route that takes no upload, then it is refused (the body is never read)', async () => {
    const staff = await loginAs(t.app, 'staff');
    const firm = await makeFirm();
    const res = await forge(
      staff,
      { method: 'POST', path: '/firms/:id/archive' },
      `/firms/${firm._id}/archive`,
      'multipart',
      await staff.csrf(),
    );
    expect(res.status).to.equal(403);
    expect((await FirmModel.findById(firm._id).lean())!.archived).to.not.equal(true);
  });

  it('when the upload carries a valid token, then the import preview is shown', async () => {
    const staff = await loginAs(t.app, 'staff');
    const res = await forge(
      staff,
      { method: 'POST', path: '/firms/import' },
      '/firms/import',
      'multipart',
      await staff.csrf(),
    );
    expect(res.status).to.equal(200);
    expect(await ImportBatchModel.countDocuments({ filename: 'forged.csv' })).to.equal(1);
  });

  it('when a request with a valid token comes from another site (Origin or Sec-Fetch-Site), then it is refused', async () => {
    const staff = await loginAs(t.app, 'staff');
    const firm = await makeFirm();
    const token = await staff.csrf();
    const fromOrigin = await staff
      .post(`/firms/${firm._id}/archive`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: token });
    expect(fromOrigin.status).to.equal(403);
    const crossSite = await staff
      .post(`/firms/${firm._id}/archive`)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ _csrf: token });
    expect(crossSite.status).to.equal(403);
    expect((await FirmModel.findById(firm._id).lean())!.archived).to.not.equal(true);
    // The same request from the app's own pages goes through.
    const own = await staff
      .post(`/firms/${firm._id}/archive`)
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ _csrf: token });
    expect(own.status).to.equal(302);
    expect((await FirmModel.findById(firm._id).lean())!.archived).to.equal(true);
  });
});

describe('CSRF: the sign-in form as a browser sends it', () => {
  const t = useTestApp();

  it('when a browser posts the sign-in form with its own headers (Sec-Fetch-Site same-origin, Origin of the page), then it signs in', async () => {
    const user = await makeUser({ role: 'staff' });
    const agent = agentOf(t.app);
    const page = await agent.get('/login');
    expect(page.headers['referrer-policy']).to.equal('same-origin');
    const res = await agent
      .post('/login')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Origin', new URL(page.request.url).origin)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/');
  });
});
