import { expect } from 'chai';
import fc from 'fast-check';
import { useTestApp, loginAs, type Agent } from '../helpers/app.js';
import { listRoutes, routeKey } from '../helpers/routes.js';
import { fillPath, makeRouteFixtures } from '../helpers/route-fixtures.js';

// Query keys and form fields the app reads, so generated input reaches the parsers and filters, not only the "unknown key" path.
const KNOWN_KEYS = [
  'q',
  'sort',
  'dir',
  'after',
  'before',
  'status',
  'sector',
  'stage',
  'tips',
  'raising',
  'tag',
  'archived',
  'type',
  'bifc',
  'entity',
  'action',
  'user',
  'from',
  'to',
  'lang',
  'next',
  'nameKo',
  'nameEn',
  'brn',
  'sectorPrimary',
  'founded',
  'amountKrw',
  'on',
  'body',
  'name',
  'email',
  'role',
  'kind',
  '_version',
  'participants[0][investor]',
  'participants[0][amountKrw]',
  'tags',
  'a[b][c]',
  'x[]',
  'owner',
  'overdue',
  'nextStep',
  'dueOn',
  'reason',
  'reasonText',
  'back',
  'firm',
  'investor',
  'match',
  '_base',
];

const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

// Values people and attackers send: text of any script, NUL and control characters, broken percent-escapes, numbers as text,
// operator-looking text, and keyset cursors that decode to the wrong shapes.
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uFFFD',
    '$ne',
    '{"$gt":""}',
    '-1',
    '1e309',
    'NaN',
    '9'.repeat(40),
    '2026-02-30',
    '0000-00-00',
    '1억',
    '12억5천만',
    'true',
    'null',
    '<script>',
    "x;=cmd|' /C calc'!A0;",
  ),
  fc.json().map(cursorOf),
  fc
    .tuple(
      fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.record({ d: fc.string() })),
      fc.oneof(fc.constant('000000000000000000000000'), fc.string()),
    )
    .map(cursorOf),
);
const fields = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ minLength: 1, maxLength: 12 })),
  value,
  { maxKeys: 6 },
);

function queryString(params: Record<string, string>, raw: string): string {
  const parts = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return [...parts, raw].filter(Boolean).join('&');
}

describe('no input makes any route fail with a 5xx (property-based)', () => {
  const t = useTestApp();

  it('when any route gets arbitrary query strings, bodies and cursors, then it answers below 500', async function () {
    this.timeout(300_000);
    const agent: Agent = await loginAs(t.app, 'admin');
    const token = await agent.csrf();
    // Sign-in and sign-out change who is signed in; they are covered by their own tests.
    const routes = listRoutes(t.app).filter((r) => r.path !== '/logout' && r.path !== '/login');
    const failures: string[] = [];
    for (const route of routes) {
      const path = fillPath(route.path, await makeRouteFixtures());
      await fc.assert(
        fc.asyncProperty(
          fields,
          fields,
          fc.constantFrom('', '%', '%E0%A4%A', 'a=%00', 'after=%FF%FE', '&&=&'),
          async (query, body, raw) => {
            const url = `${path}?${queryString(query, raw)}`;
            const res =
              route.method === 'GET'
                ? await agent.get(url).set('Accept', 'text/html')
                : await agent
                    .post(url)
                    .type('form')
                    .set('Accept', 'text/html')
                    .send(queryString({ ...body, _csrf: token }, raw));
            if (res.status >= 500) failures.push(`${routeKey(route)} ${url} ${JSON.stringify(body)} → ${res.status}`);
            expect(res.status, `${routeKey(route)} ${url} ${JSON.stringify(body)}`).to.be.below(500);
            expect(res.text).to.not.match(/\n\s+at .+\(.+:\d+:\d+\)/);
          },
        ),
        { numRuns: 15, seed: 20261201 },
      );
    }
    expect(failures).to.deep.equal([]);
  });
});
