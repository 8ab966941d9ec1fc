import { expect } from 'chai';
import { useTestApp, formBody, loginAs, type Agent } from '../helpers/app.js';
import { loadedForm, clashRow } from '../helpers/edit-form.js';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { UserModel } from '../../models/user.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { Role } from '../../models/enums.js';

// One optimistic-concurrency design for every editable record (server/lib/edit-conflict.ts): two people open the same
// edit form; the first saves; the second's save is merged with it.
type Record_ = { edit: string; save: string; stored: () => Promise<Record<string, unknown>> };
type Case = {
  entity: string;
  role: Role;
  make: () => Promise<Record_>;
  // The field both change: the first editor's value and the second's.
  shared: { field: string; first: string; second: string };
  // A field only the second editor changes, and how it reads back from the database.
  other: { field: string; value: string; stored: unknown };
};

const cases: Case[] = [
  {
    entity: 'firm',
    role: 'staff',
    make: async () => {
      const firm = await makeFirm({ nameEn: 'Concurrent Co' });
      return {
        edit: `/firms/${firm._id}/edit`,
        save: `/firms/${firm._id}`,
        stored: async () => (await FirmModel.findById(firm._id).lean()) ?? {},
      };
    },
    shared: { field: 'website', first: 'https://first.example', second: 'https://second.example' },
    other: { field: 'stage', value: 'seed', stored: 'seed' },
  },
  {
    entity: 'investor',
    role: 'staff',
    make: async () => {
      const org = await makeInvestorOrg({ nameEn: 'Concurrent Capital', type: 'vc' });
      return {
        edit: `/investors/${org._id}/edit`,
        save: `/investors/${org._id}`,
        stored: async () => (await InvestorOrgModel.findById(org._id).lean()) ?? {},
      };
    },
    shared: { field: 'website', first: 'https://first.example', second: 'https://second.example' },
    other: { field: 'type', value: 'bank', stored: 'bank' },
  },
  {
    entity: 'round',
    role: 'staff',
    make: async () => {
      const firm = await makeFirm();
      const round = await FundingRoundModel.create({
        firm: firm._id,
        stage: 'seed',
        instrument: 'rcps',
        amountKrw: 100_000_000,
        status: 'planned',
      });
      const path = `/firms/${firm._id}/rounds/${round._id}`;
      return {
        edit: `${path}/edit`,
        save: path,
        stored: async () => (await FundingRoundModel.findById(round._id).lean()) ?? {},
      };
    },
    shared: { field: 'note', first: 'first note', second: 'second note' },
    other: { field: 'announcedOn', value: '2026-01-15', stored: '2026-01-15' },
  },
  {
    entity: 'person',
    role: 'staff',
    make: async () => {
      const firm = await makeFirm();
      const person = await PersonModel.create({ name: '이동시', firms: [{ firm: firm._id, role: 'founder' }] });
      const path = `/firms/${firm._id}/people/${person._id}`;
      return {
        edit: `${path}/edit`,
        save: path,
        stored: async () => (await PersonModel.findById(person._id).lean()) ?? {},
      };
    },
    shared: { field: 'title', first: 'CEO', second: 'CTO' },
    other: { field: 'phone', value: '+82 51 123 4567', stored: '+82 51 123 4567' },
  },
  {
    entity: 'user',
    role: 'admin',
    make: async () => {
      const user = await makeUser({ role: 'staff', name: 'Concurrent Person' });
      return {
        edit: `/admin/users/${user._id}/edit`,
        save: `/admin/users/${user._id}`,
        stored: async () => (await UserModel.findById(user._id).lean()) ?? {},
      };
    },
    shared: { field: 'name', first: 'First Name', second: 'Second Name' },
    other: { field: 'role', value: 'viewer', stored: 'viewer' },
  },
];

describe('edit conflicts: one design for firms, investors, rounds, people and users', () => {
  const t = useTestApp();

  const save = async (agent: Agent, path: string, body: Record<string, unknown>) =>
    agent
      .post(path)
      .set('Accept-Language', 'en')
      .type('form')
      .send(formBody({ ...body, _csrf: await agent.csrf() }));

  async function twoEditors(c: Case) {
    const record = await c.make();
    const first = await loginAs(t.app, c.role);
    const second = await loginAs(t.app, c.role);
    const formA = loadedForm((await first.get(record.edit)).text);
    const formB = loadedForm((await second.get(record.edit)).text);
    expect(formA._version).to.equal(formB._version);
    const saved = await save(first, record.save, { ...formA, [c.shared.field]: c.shared.first });
    expect(saved.status, saved.text.replace(/[\s\S]*<main/, '').slice(0, 3000)).to.equal(302);
    return { record, first, second, formB };
  }

  for (const c of cases) {
    describe(`${c.entity === 'investor' ? 'an' : 'a'} ${c.entity}`, () => {
      it(`when the second editor saves the field the first changed to another value, then it is refused (409) with both values shown, the first save stands and the second's value stays in the form`, async () => {
        const { record, first, second, formB } = await twoEditors(c);
        const late = await save(second, record.save, { ...formB, [c.shared.field]: c.shared.second });
        expect(late.status, late.text.slice(0, 400)).to.equal(409);
        expect(late.text).to.contain(`Someone else saved this`);
        expect(late.text).to.contain(first.email);
        const row = clashRow(late.text, c.shared.field);
        expect(row, 'the clashing field is listed').to.be.a('string');
        expect(row).to.contain(c.shared.first).and.to.contain(c.shared.second);
        expect(late.text).to.match(new RegExp(`value="${c.shared.second}"|>${c.shared.second}</textarea>`));
        expect(late.text).to.contain('Changed by both of you');
        expect((await record.stored())[c.shared.field]).to.equal(c.shared.first);

        // Saving the merged form again (their own value still typed in) is the second editor's deliberate choice.
        const again = await save(second, record.save, { ...loadedForm(late.text), [c.shared.field]: c.shared.second });
        expect(again.status, again.text.slice(0, 400)).to.equal(302);
        expect((await record.stored())[c.shared.field]).to.equal(c.shared.second);
      });

      it(`when the second editor changed another field, then both saves are merged and stored without asking`, async () => {
        const { record, second, formB } = await twoEditors(c);
        const late = await save(second, record.save, { ...formB, [c.other.field]: c.other.value });
        expect(late.status, late.text.slice(0, 400)).to.equal(302);
        const stored = await record.stored();
        expect(stored[c.shared.field]).to.equal(c.shared.first);
        expect(stored[c.other.field]).to.equal(c.other.stored);
        expect(stored.__v).to.equal(Number(formB._version) + 2);
        const next = await second.get(late.headers.location!).set('Accept-Language', 'en');
        expect(next.text).to.contain('both sets of changes were combined and saved');
        // Each save is in the audit log with the version it made, the second one with only its own change.
        const updates = await AuditEntryModel.find({ action: 'update', version: { $gt: Number(formB._version) } })
          .sort({ version: 1 })
          .lean();
        expect(updates.map((u) => u.changes.map((ch) => ch.field))).to.deep.equal([[c.shared.field], [c.other.field]]);
      });
    });
  }

  it('when a version is stale and the form has no base values, then nothing is merged silently: the form comes back (409)', async () => {
    const firm = await makeFirm({ nameEn: 'No Base Co' });
    const staff = await loginAs(t.app, 'staff');
    const form = loadedForm((await staff.get(`/firms/${firm._id}/edit`)).text);
    await FirmModel.updateOne({ _id: firm._id }, { $set: { pitch: 'saved elsewhere' }, $inc: { __v: 1 } });
    const { _base, ...withoutBase } = form;
    const res = await save(staff, `/firms/${firm._id}`, { ...withoutBase, website: 'https://mine.example' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('value="saved elsewhere"');
    expect(res.text).to.contain('value="https://mine.example"');
    expect((await FirmModel.findById(firm._id).lean())!.website).to.equal(undefined);
  });

  it('when two changes are fine alone but break a rule together, then the merge is not saved and the rule shows (409)', async () => {
    const firm = await makeFirm({ nameEn: 'Dates Co', residencyStart: '2025-01-01' });
    const first = await loginAs(t.app, 'staff');
    const second = await loginAs(t.app, 'staff');
    const formA = loadedForm((await first.get(`/firms/${firm._id}/edit`)).text);
    const formB = loadedForm((await second.get(`/firms/${firm._id}/edit`)).text);
    expect((await save(first, `/firms/${firm._id}`, { ...formA, residencyStart: '2025-06-01' })).status).to.equal(302);
    const res = await save(second, `/firms/${firm._id}`, { ...formB, residencyEnd: '2025-03-01' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Must be on or after the residency start.');
    expect((await FirmModel.findById(firm._id).lean())!.residency).to.deep.include({ start: '2025-06-01' });
    expect((await FirmModel.findById(firm._id).lean())!.residency!.end).to.equal(undefined);
  });
});
