import { expect } from 'chai';
import { useTestApp, agentOf, loginAs, type Agent } from '../helpers/app.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { listRoutes, routeKey, type AppRoute } from '../helpers/routes.js';
import {
  fillBody,
  fillPath,
  makeRouteFixtures,
  snapshotDatabase,
  type RouteFixtures,
} from '../helpers/route-fixtures.js';
import type { Role } from '../../models/enums.js';

type Who = 'anonymous' | 'viewer' | 'investorA' | 'investorB' | 'staff' | 'admin';
const WHO: Who[] = ['anonymous', 'viewer', 'investorA', 'investorB', 'staff', 'admin'];
const roleOf = (who: Exclude<Who, 'anonymous'>): Role =>
  who === 'investorA' || who === 'investorB' ? 'investor' : who;

type Rule = {
  allowed: Who[] | 'everyone';
  // A body that an allowed user's request would be accepted with.
  body?: Record<string, string>;
  // Answers that count as "let through" besides 200, 302 and 303.
  also?: number[];
  // Sign-out: its redirect to the sign-in page is the expected answer.
  signsOut?: true;
  // Users the route is for who are nonetheless refused the fixture records in its URL, with this status, and change
  // nothing: the fixture firm is shared with no investor, so the portal answers both investors 404 (not 403: an unshared
  // firm's existence is not revealed).
  refusedWith?: Partial<Record<Who, number>>;
  // An API answers a visitor without credentials with this status (401) instead of sending them to the sign-in page.
  anonymousStatus?: number;
};

const SIGNED_IN: Who[] = ['viewer', 'investorA', 'investorB', 'staff', 'admin'];
const STAFF: Who[] = ['staff', 'admin'];
const ADMIN: Who[] = ['admin'];
const INVESTORS: Who[] = ['investorA', 'investorB'];
// The reports: staff, admins and the city's viewers; investors see their deal flow instead.
const REPORT_READERS: Who[] = ['viewer', 'staff', 'admin'];
const TARGET_BODY = {
  nameEn: 'Access target',
  metric: 'resident-firms',
  baselineValue: '19',
  baselineOn: '2024-12-31',
  targetValue: '60',
  targetOn: '2027-12-31',
};
const UNSHARED = { investorA: 404, investorB: 404 };

// Who may use each route. The list of routes comes from the app's router: a route added without a rule here fails the
// first test, so no route can ship without its access rule being decided.
const RULES: Record<string, Rule> = {
  'GET /healthz': { allowed: 'everyone' },
  'GET /login': { allowed: 'everyone' },
  'POST /login': { allowed: 'everyone', body: { email: 'nobody@x.example', password: 'wrong' }, also: [401] },
  'POST /logout': { allowed: SIGNED_IN, signsOut: true },
  'POST /lang': { allowed: 'everyone', body: { lang: 'ko' } },
  'GET /': { allowed: SIGNED_IN },
  'GET /admin/users': { allowed: ADMIN },
  'GET /admin/users/new': { allowed: ADMIN },
  'POST /admin/users': {
    allowed: ADMIN,
    body: { email: 'new@x.example', name: 'N', role: 'viewer' },
  },
  'GET /admin/users/:id/edit': { allowed: ADMIN },
  'POST /admin/users/:id': { allowed: ADMIN, body: { name: 'Renamed', role: 'viewer', active: 'true' } },
  // Sign-in links: the fixture user has a password, so a new invitation is refused (back to their page) and a reset link is
  // issued; withdrawing answers with the user's page either way.
  'POST /admin/users/:id/invitation': { allowed: ADMIN },
  'POST /admin/users/:id/reset-link': { allowed: ADMIN },
  'POST /admin/users/:id/revoke-link': { allowed: ADMIN },
  // For whoever holds a link; the fixture ":token" is no link, so each answers the "link does not work" page (410).
  'GET /account/invite/:token': { allowed: 'everyone', also: [410] },
  'POST /account/invite/:token': {
    allowed: 'everyone',
    body: { newPassword: 'a long enough password', confirmPassword: 'a long enough password' },
    also: [410],
  },
  'GET /account/reset/:token': { allowed: 'everyone', also: [410] },
  'POST /account/reset/:token': {
    allowed: 'everyone',
    body: { newPassword: 'a long enough password', confirmPassword: 'a long enough password' },
    also: [410],
  },
  'GET /account/forgot': { allowed: 'everyone' },
  'POST /account/forgot': { allowed: 'everyone', body: { email: 'nobody@x.example' } },
  'GET /audit': { allowed: ADMIN },
  'GET /account/password': { allowed: SIGNED_IN },
  // A wrong current password: the form comes back with its error.
  'POST /account/password': {
    allowed: SIGNED_IN,
    body: { currentPassword: 'not it', newPassword: 'a new long password', confirmPassword: 'a new long password' },
    also: [422],
  },
  'GET /firms': { allowed: STAFF },
  'GET /firms/new': { allowed: STAFF },
  'POST /firms': { allowed: STAFF, body: { nameEn: 'Access Co', sectorPrimary: 'payments' } },
  'GET /firms/:id': { allowed: STAFF },
  'GET /firms/:id/edit': { allowed: STAFF },
  'POST /firms/:id': { allowed: STAFF, body: { nameEn: 'Renamed Co', sectorPrimary: 'payments' } },
  'GET /firms/:id/status': { allowed: STAFF },
  'POST /firms/:id/status': { allowed: STAFF, body: { status: 'screening', on: '2020-01-01' } },
  'POST /firms/:id/archive': { allowed: STAFF },
  'POST /firms/:id/restore': { allowed: STAFF },
  'POST /firms/:id/delete': { allowed: ADMIN },
  'POST /firms/:id/notes': { allowed: STAFF, body: { body: 'hello' } },
  'GET /firms/:id/rounds/new': { allowed: STAFF },
  'GET /firms/:id/history': { allowed: STAFF },
  'POST /firms/:id/rounds': {
    allowed: STAFF,
    body: { stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '1억' },
  },
  'GET /firms/:id/rounds/:roundId/edit': { allowed: STAFF },
  'POST /firms/:id/rounds/:roundId': {
    allowed: STAFF,
    body: { stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '2억' },
  },
  'POST /firms/:id/rounds/:roundId/delete': { allowed: STAFF },
  'GET /firms/:id/people/new': { allowed: STAFF },
  'POST /firms/:id/people': { allowed: STAFF, body: { name: 'Lee', role: 'founder' } },
  'GET /firms/:id/people/:personId/edit': { allowed: STAFF },
  'POST /firms/:id/people/:personId': { allowed: STAFF, body: { name: 'Lee Renamed' } },
  'POST /firms/:id/people/:personId/unlink': { allowed: STAFF },
  'GET /firms/import': { allowed: STAFF },
  'GET /firms/import/template/:kind.csv': { allowed: STAFF },
  // Without a file the upload form comes back with its error: let through, nothing imported.
  'POST /firms/import': { allowed: STAFF, body: { kind: 'firms' }, also: [422] },
  'GET /firms/import/:batchId': { allowed: STAFF },
  'POST /firms/import/:batchId/apply': { allowed: STAFF },
  'GET /firms/import/:batchId/mapping': { allowed: STAFF },
  // Mapping the fixture batch's columns (every one ignored) is refused with the reason: let through, nothing imported.
  'POST /firms/import/:batchId/mapping': { allowed: STAFF, body: { columns: '' }, also: [422] },
  'POST /firms/import/:batchId/kind': { allowed: STAFF, body: { kind: 'firms' } },
  'GET /firms/export.csv': { allowed: STAFF },
  'GET /firms/rounds/export.csv': { allowed: STAFF },
  'GET /investors': { allowed: STAFF },
  'GET /investors/new': { allowed: STAFF },
  'POST /investors': { allowed: STAFF, body: { nameEn: 'Access Ventures', type: 'vc' } },
  'GET /investors/:id': { allowed: STAFF },
  'GET /investors/:id/history': { allowed: STAFF },
  'GET /investors/:id/edit': { allowed: STAFF },
  'POST /investors/:id': { allowed: STAFF, body: { nameEn: 'Renamed Ventures', type: 'vc', _version: '0' } },
  'POST /investors/:id/archive': { allowed: STAFF },
  'POST /investors/:id/restore': { allowed: STAFF },
  'GET /investors/export.csv': { allowed: STAFF },
  'GET /investors/:id/funds/new': { allowed: STAFF },
  'POST /investors/:id/funds': {
    allowed: STAFF,
    body: { name: 'Access Fund', sizeKrw: '100억', vintage: '2024-03-01' },
  },
  'GET /investors/:id/funds/:fundId/edit': { allowed: STAFF },
  'POST /investors/:id/funds/:fundId': { allowed: STAFF, body: { name: 'Access Fund II', sizeKrw: '120억' } },
  'POST /investors/:id/funds/:fundId/delete': { allowed: STAFF },
  'GET /investors/:id/contacts/new': { allowed: STAFF },
  'POST /investors/:id/contacts': { allowed: STAFF, body: { name: 'Kang', investorRole: 'associate' } },
  'GET /investors/:id/contacts/:contactId/edit': { allowed: STAFF },
  'POST /investors/:id/contacts/:contactId': {
    allowed: STAFF,
    body: { name: 'Choi Renamed', investorRole: 'partner' },
  },
  'POST /investors/:id/contacts/:contactId/unlink': { allowed: STAFF },
  'GET /matches': { allowed: STAFF },
  'GET /matches/list': { allowed: STAFF },
  'GET /matches/export.csv': { allowed: STAFF },
  'GET /matches/mine': { allowed: STAFF },
  'POST /matches': { allowed: STAFF, body: { firm: ':firmId', investor: ':investorId', nextStep: 'Intro email' } },
  'GET /matches/:id': { allowed: STAFF },
  'POST /matches/:id/move': { allowed: STAFF, body: { stage: 'introduced' } },
  'POST /matches/:id/details': { allowed: STAFF, body: { nextStep: 'Call them', dueOn: '2026-12-01' } },
  'POST /matches/:id/notes': { allowed: STAFF, body: { body: 'hello' } },
  'GET /firms/:id/suggestions': { allowed: STAFF },
  'GET /investors/:id/suggestions': { allowed: STAFF },
  'GET /notifications': { allowed: STAFF },
  'POST /notifications/read': { allowed: STAFF },
  'GET /firms/:id/sharing': { allowed: STAFF },
  'POST /firms/:id/sharing': { allowed: STAFF, body: { openToInvestors: 'true', summaryKo: '요약' } },
  'GET /portal': { allowed: INVESTORS },
  'GET /portal/firms/:id': { allowed: INVESTORS, refusedWith: UNSHARED },
  'POST /portal/firms/:id/interest': { allowed: INVESTORS, refusedWith: UNSHARED },
  'POST /portal/firms/:id/intro-request': { allowed: INVESTORS, refusedWith: UNSHARED },
  'GET /portal/firms/:id/pass': { allowed: INVESTORS, refusedWith: UNSHARED },
  'POST /portal/firms/:id/pass': { allowed: INVESTORS, body: { reason: 'timing' }, refusedWith: UNSHARED },
  'GET /reports': { allowed: REPORT_READERS },
  'GET /reports/quarterly': { allowed: REPORT_READERS },
  'GET /reports/charts/:chart.svg': { allowed: REPORT_READERS },
  'GET /reports/:table.csv': { allowed: REPORT_READERS },
  'GET /api/v1/reports/:table': { allowed: REPORT_READERS, anonymousStatus: 401 },
  'GET /admin/targets': { allowed: ADMIN },
  'GET /admin/targets/new': { allowed: ADMIN },
  'POST /admin/targets': { allowed: ADMIN, body: TARGET_BODY },
  'GET /admin/targets/:targetId/edit': { allowed: ADMIN },
  'POST /admin/targets/:targetId': { allowed: ADMIN, body: TARGET_BODY },
  'GET /admin/tokens': { allowed: ADMIN },
  'POST /admin/tokens': { allowed: ADMIN, body: { name: 'Access test' } },
  'POST /admin/tokens/:tokenId/revoke': { allowed: ADMIN },
};

const allows = (rule: Rule, who: Who) => rule.allowed === 'everyone' || rule.allowed.includes(who);

describe('route guards by role (every route of the app)', () => {
  const t = useTestApp();

  it('every route the app answers has an access rule, and every rule names a route that exists', () => {
    const keys = listRoutes(t.app).map(routeKey);
    expect(
      keys.filter((k) => !(k in RULES)),
      'routes without an access rule',
    ).to.deep.equal([]);
    expect(
      Object.keys(RULES).filter((k) => !keys.includes(k)),
      'rules for routes that do not exist',
    ).to.deep.equal([]);
  });

  for (const who of WHO) {
    it(`as ${who}: allowed routes answer, every other route is refused (signed in: 403; anonymous: to the sign-in page) and changes nothing`, async function () {
      this.timeout(180_000);
      const orgA = String((await makeInvestorOrg({ nameEn: 'Org A' }))._id);
      const orgB = String((await makeInvestorOrg({ nameEn: 'Org B' }))._id);
      const signIn = () =>
        who === 'anonymous'
          ? Promise.resolve(agentOf(t.app))
          : loginAs(t.app, roleOf(who), who === 'investorB' ? { investorOrg: orgB } : { investorOrg: orgA });
      let agent: Agent = await signIn();
      const problems: string[] = [];
      const ruled = listRoutes(t.app).flatMap((route) => {
        const rule = RULES[routeKey(route)];
        return rule ? [{ route, rule }] : [];
      });
      const isRefusedWrite = ({ route, rule }: (typeof ruled)[number]) =>
        (!allows(rule, who) || rule.refusedWith?.[who] !== undefined) && route.method !== 'GET';
      const check = async ({ route, rule }: (typeof ruled)[number], fixtures: RouteFixtures) => {
        const res = await send(agent, route, fillPath(route.path, fixtures), fillBody(rule.body, fixtures));
        const problem = verdict(res, who, allows(rule, who), rule);
        if (problem) problems.push(`${routeKey(route)}: ${problem}`);
      };

      // Refused writes and pages share one set of fixture records and one snapshot of the database before and after
      // (a snapshot per request made this test take minutes); only when something changed are they replayed one by one
      // to name the route that wrote.
      const refused = ruled.filter(isRefusedWrite);
      const shared = await makeRouteFixtures();
      const before = await snapshotDatabase();
      for (const r of refused) await check(r, shared);
      if ((await snapshotDatabase()) !== before)
        for (const r of refused) {
          const fixtures = await makeRouteFixtures();
          const snapshot = await snapshotDatabase();
          await send(agent, r.route, fillPath(r.route.path, fixtures), fillBody(r.rule.body, fixtures));
          if ((await snapshotDatabase()) !== snapshot)
            problems.push(`${routeKey(r.route)}: refused but the database changed`);
        }
      for (const r of ruled.filter((r) => r.route.method === 'GET')) await check(r, shared);

      // Writes let through change their fixture records, so each gets its own; sign-out last (it ends the session).
      const allowedWrites = ruled
        .filter((r) => r.route.method !== 'GET' && !isRefusedWrite(r))
        .sort((a, b) => Number(a.route.path === '/logout') - Number(b.route.path === '/logout'));
      for (const r of allowedWrites) {
        await check(r, await makeRouteFixtures());
        // A POST /login as someone else's visitor, or a language switch, must not leave this agent signed out.
        if (r.route.path === '/login' && r.route.method === 'POST') agent = await signIn();
      }
      expect(problems).to.deep.equal([]);
    });
  }
});

async function send(agent: Agent, route: AppRoute, path: string, body: Record<string, string> = {}) {
  if (route.method === 'GET') return agent.get(path).set('Accept', 'text/html');
  const token = await agent.csrf();
  return agent
    .post(path)
    .type('form')
    .set('Accept', 'text/html')
    .send({ ...body, _csrf: token });
}

function verdict(
  res: { status: number; headers: Record<string, string> },
  who: Who,
  allowed: boolean,
  rule: Rule,
): string | undefined {
  const refused = rule.refusedWith?.[who];
  if (allowed && refused !== undefined)
    return res.status === refused ? undefined : `expected ${refused} for the fixture records, got ${res.status}`;
  if (allowed) {
    if (![200, 302, 303, ...(rule.also ?? [])].includes(res.status))
      return `expected to be let through, got ${res.status}`;
    if (res.status === 302 && res.headers.location === '/login' && who !== 'anonymous' && !rule.signsOut)
      return 'sent to the sign-in page';
    return undefined;
  }
  if (who === 'anonymous' && rule.anonymousStatus)
    return res.status === rule.anonymousStatus ? undefined : `expected ${rule.anonymousStatus}, got ${res.status}`;
  if (who === 'anonymous')
    return res.status === 302 && res.headers.location === '/login'
      ? undefined
      : `expected a redirect to /login, got ${res.status}`;
  return res.status === 403 ? undefined : `expected 403, got ${res.status}`;
}
