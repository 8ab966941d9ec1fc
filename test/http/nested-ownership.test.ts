import { expect } from 'chai';
import { useTestApp, formBody, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm } from '../helpers/factories.js';
import { PersonModel } from '../../models/person.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { createRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';

// Every route under /firms/:id/… addresses a child (person, round) through its firm: a child of firm B under firm A's URL
// is a 404 that changes nothing, whatever the controller does.
describe('nested routes check that the child belongs to the firm in the URL', () => {
  const t = useTestApp();

  type Fixture = { firmA: string; firmB: string; personId: string; roundId: string; staff: Agent; token: string };

  async function setup(): Promise<Fixture> {
    const [a, b] = [await makeFirm({ nameEn: 'Firm A' }), await makeFirm({ nameEn: 'Firm B' })];
    const person = await PersonModel.create({
      name: '김부산',
      email: 'kim@firm-b.example',
      firms: [{ firm: b._id, role: 'founder' }],
    });
    const { round } = await createRound(
      String(b._id),
      roundBody.parse({
        stage: 'seed',
        instrument: 'safe',
        status: 'closed',
        amountKrw: '3억',
        closedOn: '2025-01-10',
        participants: [],
      }),
      null,
    );
    const staff = await loginAs(t.app, 'staff');
    return {
      firmA: String(a._id),
      firmB: String(b._id),
      personId: String(person._id),
      roundId: String(round._id),
      staff,
      token: await staff.csrf(),
    };
  }

  const personBody = { name: 'Renamed Through A', email: 'kim@firm-b.example' };
  const roundEdit = {
    stage: 'series-a',
    instrument: 'rcps',
    status: 'closed',
    amountKrw: '30억',
    closedOn: '2025-02-01',
  };

  type Route = {
    method: 'get' | 'post';
    path: (firm: string, f: Fixture) => string;
    body?: Record<string, unknown>;
    ok: number;
  };
  const routes: Route[] = [
    { method: 'get', path: (firm, f) => `/firms/${firm}/people/${f.personId}/edit`, ok: 200 },
    { method: 'post', path: (firm, f) => `/firms/${firm}/people/${f.personId}`, body: personBody, ok: 302 },
    { method: 'post', path: (firm, f) => `/firms/${firm}/people/${f.personId}/unlink`, body: {}, ok: 302 },
    { method: 'get', path: (firm, f) => `/firms/${firm}/rounds/${f.roundId}/edit`, ok: 200 },
    { method: 'post', path: (firm, f) => `/firms/${firm}/rounds/${f.roundId}`, body: roundEdit, ok: 302 },
    { method: 'post', path: (firm, f) => `/firms/${firm}/rounds/${f.roundId}/delete`, body: {}, ok: 302 },
  ];

  const send = (f: Fixture, r: Route, firm: string) =>
    r.method === 'get'
      ? f.staff.get(r.path(firm, f)).set('Accept', 'text/html')
      : f.staff
          .post(r.path(firm, f))
          .set('Accept', 'text/html')
          .type('form')
          .send(formBody({ _csrf: f.token, ...r.body }));

  const snapshot = async (f: Fixture) => ({
    person: await PersonModel.findById(f.personId).lean(),
    round: await FundingRoundModel.findById(f.roundId).lean(),
    audit: await AuditEntryModel.countDocuments({}),
  });

  for (const r of routes) {
    const shown = `${r.method.toUpperCase()} ${r.path(':id', { personId: ':personId', roundId: ':roundId' } as Fixture)}`;

    it(`when ${shown} names a child of firm B under firm A, then it is a 404 and nothing changes`, async () => {
      // Arrange
      const f = await setup();
      const before = await snapshot(f);
      // Act
      const res = await send(f, r, f.firmA);
      // Assert
      expect(res.status).to.equal(404);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.not.contain('김부산');
      expect(await snapshot(f)).to.deep.equal(before);
    });

    it(`when ${shown} names it under its own firm B, then the same request is accepted`, async () => {
      const f = await setup();
      const res = await send(f, r, f.firmB);
      expect(res.status).to.equal(r.ok);
    });
  }
});
