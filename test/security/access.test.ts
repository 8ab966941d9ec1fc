import { expect } from 'chai';
import { buildTestApp, agentOf, loginAs, type TestApp, type Agent } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';
import type { Role } from '../../models/enums.js';

type Who = Role | 'anonymous';
type RouteCase = { method: 'get' | 'post'; path: (ctx: { userId: string }) => string; allowed: Who[]; body?: Record<string, string> };

// Every route of the foundation, and who may use it. "allowed" get a non-403, non-login answer; the rest get 403 (signed in) or a redirect to /login.
const ROUTES: RouteCase[] = [
  { method: 'get', path: () => '/', allowed: ['admin', 'staff', 'investor', 'viewer'] },
  { method: 'get', path: () => '/admin/users', allowed: ['admin'] },
  { method: 'get', path: () => '/admin/users/new', allowed: ['admin'] },
  { method: 'post', path: () => '/admin/users', allowed: ['admin'], body: { email: 'new@x.example', name: 'N', role: 'viewer', password: 'long enough password' } },
  { method: 'get', path: (c) => `/admin/users/${c.userId}/edit`, allowed: ['admin'] },
  { method: 'post', path: (c) => `/admin/users/${c.userId}`, allowed: ['admin'], body: { name: 'Renamed', role: 'viewer', active: 'true' } },
];
const WHO: Who[] = ['anonymous', 'admin', 'staff', 'investor', 'viewer'];

describe('route guards by role', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(() => t.close());

  for (const route of ROUTES) {
    for (const who of WHO) {
      const expectAllowed = route.allowed.includes(who as Role);
      it(`${route.method.toUpperCase()} ${route.path({ userId: ':id' })} as ${who}: ${expectAllowed ? 'allowed' : 'refused'}`, async () => {
        const target = await makeUser({ role: 'viewer' });
        const agent: Agent = who === 'anonymous' ? agentOf(t.app) : await loginAs(t.app, who);
        const path = route.path({ userId: String(target._id) });
        // The token is fetched first: a request built before the session cookie exists would go without it.
        const token = route.method === 'post' ? await agent.csrf() : '';
        const res = route.method === 'get' ? await agent.get(path) : await agent.post(path).type('form').send({ ...route.body, _csrf: token });
        if (expectAllowed) {
          expect(res.status, res.text.slice(0, 300)).to.be.oneOf([200, 302]);
          if (res.status === 302) expect(res.headers.location).to.not.equal('/login');
        } else if (who === 'anonymous') {
          expect(res.status).to.equal(302);
          expect(res.headers.location).to.equal('/login');
        } else {
          expect(res.status).to.equal(403);
        }
      });
    }
  }

  it('health and login pages are open to everyone', async () => {
    expect((await agentOf(t.app).get('/healthz')).status).to.equal(200);
    expect((await agentOf(t.app).get('/login')).status).to.equal(200);
  });
});
