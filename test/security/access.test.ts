import { expectGuarded } from '../helpers/access.js';
import { expect } from 'chai';
import { useTestApp, agentOf, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { Role } from '../../models/enums.js';

type Who = Role | 'anonymous';
type Ctx = { userId: string; firmId: string; roundId: string; personId: string; investorId: string };
type RouteCase = { method: 'get' | 'post'; path: (ctx: Ctx) => string; allowed: Who[]; body?: Record<string, string> };

// Every route of the foundation, and who may use it. "allowed" get a non-403, non-login answer; the rest get 403 (signed in) or a redirect to /login.
const ROUTES: RouteCase[] = [
  { method: 'get', path: () => '/', allowed: ['admin', 'staff', 'investor', 'viewer'] },
  { method: 'get', path: () => '/admin/users', allowed: ['admin'] },
  { method: 'get', path: () => '/admin/users/new', allowed: ['admin'] },
  { method: 'post', path: () => '/admin/users', allowed: ['admin'], body: { email: 'new@x.example', name: 'N', role: 'viewer', password: 'long enough password' } },
  { method: 'get', path: (c) => `/admin/users/${c.userId}/edit`, allowed: ['admin'] },
  { method: 'post', path: (c) => `/admin/users/${c.userId}`, allowed: ['admin'], body: { name: 'Renamed', role: 'viewer', active: 'true' } },
];
const STAFF_ONLY: Who[] = ['admin', 'staff'];
// The registry: staff and admins only; investors and viewers get 403 on every page and every POST.
const REGISTRY: RouteCase[] = [
  { method: 'get', path: () => '/firms', allowed: STAFF_ONLY },
  { method: 'get', path: () => '/firms?status=resident&sort=raised', allowed: STAFF_ONLY },
  { method: 'get', path: () => '/firms/new', allowed: STAFF_ONLY },
  { method: 'post', path: () => '/firms', allowed: STAFF_ONLY, body: { nameEn: 'Access Co', sectorPrimary: 'payments' } },
  { method: 'get', path: (c) => `/firms/${c.firmId}`, allowed: STAFF_ONLY },
  { method: 'get', path: (c) => `/firms/${c.firmId}/edit`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/firms/${c.firmId}`, allowed: STAFF_ONLY, body: { nameEn: 'Renamed Co', sectorPrimary: 'payments' } },
  { method: 'post', path: (c) => `/firms/${c.firmId}/status`, allowed: STAFF_ONLY, body: { status: 'screening', on: '2099-01-01' } },
  { method: 'post', path: (c) => `/firms/${c.firmId}/archive`, allowed: STAFF_ONLY, body: {} },
  { method: 'post', path: (c) => `/firms/${c.firmId}/restore`, allowed: STAFF_ONLY, body: {} },
  { method: 'post', path: (c) => `/firms/${c.firmId}/delete`, allowed: ['admin'], body: {} },
  { method: 'post', path: (c) => `/firms/${c.firmId}/notes`, allowed: STAFF_ONLY, body: { body: 'hello' } },
  { method: 'get', path: (c) => `/firms/${c.firmId}/rounds/new`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/firms/${c.firmId}/rounds`, allowed: STAFF_ONLY, body: { stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '1억' } },
  { method: 'get', path: (c) => `/firms/${c.firmId}/rounds/${c.roundId}/edit`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/firms/${c.firmId}/rounds/${c.roundId}`, allowed: STAFF_ONLY, body: { stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '2억' } },
  { method: 'post', path: (c) => `/firms/${c.firmId}/rounds/${c.roundId}/delete`, allowed: STAFF_ONLY, body: {} },
  { method: 'get', path: (c) => `/firms/${c.firmId}/people/new`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/firms/${c.firmId}/people`, allowed: STAFF_ONLY, body: { name: 'Lee', role: 'founder' } },
  { method: 'get', path: (c) => `/firms/${c.firmId}/people/${c.personId}/edit`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/firms/${c.firmId}/people/${c.personId}`, allowed: STAFF_ONLY, body: { name: 'Lee Renamed' } },
  { method: 'post', path: (c) => `/firms/${c.firmId}/people/${c.personId}/unlink`, allowed: STAFF_ONLY, body: {} },
  { method: 'get', path: () => '/investors', allowed: STAFF_ONLY },
  { method: 'get', path: () => '/investors/new', allowed: STAFF_ONLY },
  { method: 'post', path: () => '/investors', allowed: STAFF_ONLY, body: { nameEn: 'Access Ventures', type: 'vc' } },
  { method: 'get', path: (c) => `/investors/${c.investorId}`, allowed: STAFF_ONLY },
  { method: 'get', path: (c) => `/investors/${c.investorId}/edit`, allowed: STAFF_ONLY },
  { method: 'post', path: (c) => `/investors/${c.investorId}`, allowed: STAFF_ONLY, body: { nameEn: 'Renamed Ventures', type: 'vc', _version: '0' } },
  { method: 'post', path: (c) => `/investors/${c.investorId}/archive`, allowed: STAFF_ONLY, body: {} },
  { method: 'post', path: (c) => `/investors/${c.investorId}/restore`, allowed: STAFF_ONLY, body: {} },
  { method: 'get', path: () => '/audit', allowed: ['admin'] },
];
ROUTES.push(...REGISTRY);
const WHO: Who[] = ['anonymous', 'admin', 'staff', 'investor', 'viewer'];

describe('route guards by role', () => {
  const t = useTestApp();

  for (const route of ROUTES) {
    for (const who of WHO) {
      const expectAllowed = route.allowed.includes(who as Role);
      const placeholder = { userId: ':id', firmId: ':firm', roundId: ':round', personId: ':person', investorId: ':investor' };
      it(`${route.method.toUpperCase()} ${route.path(placeholder)} as ${who}: ${expectAllowed ? 'allowed' : 'refused'}`, async () => {
        const target = await makeUser({ role: 'viewer' });
        const firm = await makeFirm();
        const investor = await makeInvestorOrg();
        const round = await FundingRoundModel.create({ firm: firm._id, stage: 'seed', instrument: 'rcps', amountKrw: 1, status: 'planned' });
        const person = await PersonModel.create({ name: 'Park', firms: [{ firm: firm._id, role: 'founder' }] });
        const ctx = { userId: String(target._id), firmId: String(firm._id), roundId: String(round._id), personId: String(person._id), investorId: String(investor._id) };
        const agent: Agent = who === 'anonymous' ? agentOf(t.app) : await loginAs(t.app, who);
        const path = route.path(ctx);
        // The token is fetched first: a request built before the session cookie exists would go without it.
        const token = route.method === 'post' ? await agent.csrf() : '';
        const res = route.method === 'get' ? await agent.get(path) : await agent.post(path).type('form').send({ ...route.body, _csrf: token });
        expectGuarded(res, who, expectAllowed);
        if (!expectAllowed && who !== 'anonymous') {
          // A refused POST changes nothing.
          if (route.method === 'post') {
            expect(await FirmModel.countDocuments()).to.equal(1);
            expect((await FirmModel.findById(firm._id).lean())!.__v).to.equal(firm.__v);
            expect(await FundingRoundModel.countDocuments()).to.equal(1);
          }
        }
      });
    }
  }

  it('health and login pages are open to everyone', async () => {
    expect((await agentOf(t.app).get('/healthz')).status).to.equal(200);
    expect((await agentOf(t.app).get('/login')).status).to.equal(200);
  });
});
