import { expectGuarded } from '../helpers/access.js';
import { expect } from 'chai';
import { useTestApp, agentOf, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { backfillNameKeys } from '../../server/investors/index.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { loadedForm, clashRow } from '../helpers/edit-form.js';
import type { Role } from '../../models/enums.js';
import { captureCommands } from '../helpers/commands.js';

const rowIds = (html: string) => [...html.matchAll(/data-investor="([0-9a-f]{24})"/g)].map((m) => m[1]);
// A page link of the pager (views/partials/pager.ejs), whatever the order of its attributes.
const hrefOf = (html: string, rel: 'next' | 'prev') => {
  const tag = new RegExp(`<a [^>]*rel="${rel}"[^>]*>`).exec(html)?.[0];
  return tag ? /href="([^"]+)"/.exec(tag)![1]!.replace(/&amp;/g, '&') : undefined;
};
const versionOf = (html: string) => /name="_version" value="(\d+)"/.exec(html)?.[1];
// The field's block (label, input and its error) in a rendered form.
const fieldBlock = (html: string, name: string) => {
  const start = html.indexOf(`id="f-${name}"`);
  const from = html.lastIndexOf('<div class="field', start);
  return html.slice(from, html.indexOf('</div>', start) + 6);
};

async function post(agent: Agent, path: string, body: Record<string, string>) {
  // The token first: a request built before the session cookie exists would go without it.
  const token = await agent.csrf();
  return agent
    .post(path)
    .type('form')
    .send({ ...body, _csrf: token });
}

describe('investor organisations', () => {
  const t = useTestApp();

  describe('who may use the pages', () => {
    const cases: { method: 'get' | 'post'; path: (id: string) => string; body?: Record<string, string> }[] = [
      { method: 'get', path: () => '/investors' },
      { method: 'get', path: () => '/investors/new' },
      { method: 'post', path: () => '/investors', body: { nameEn: 'Guarded Capital', type: 'vc' } },
      { method: 'get', path: (id) => `/investors/${id}` },
      { method: 'get', path: (id) => `/investors/${id}/edit` },
      { method: 'post', path: (id) => `/investors/${id}`, body: { nameEn: 'Renamed', type: 'vc', _version: '0' } },
      { method: 'post', path: (id) => `/investors/${id}/archive` },
      { method: 'post', path: (id) => `/investors/${id}/restore` },
    ];
    const who: (Role | 'anonymous')[] = ['anonymous', 'investor', 'viewer', 'staff', 'admin'];
    for (const c of cases) {
      for (const w of who) {
        const allowed = w === 'staff' || w === 'admin';
        it(`when ${w} calls ${c.method.toUpperCase()} ${c.path(':id')}, then it is ${allowed ? 'allowed' : 'refused'}`, async () => {
          const org = await makeInvestorOrg({ nameEn: 'Original Name' });
          const agent = w === 'anonymous' ? agentOf(t.app) : await loginAs(t.app, w);
          const path = c.path(String(org._id));
          const res = c.method === 'get' ? await agent.get(path) : await post(agent, path, c.body ?? {});
          expectGuarded(res, w, allowed);
          if (!allowed) {
            // Nothing changed behind a refusal.
            const stored = await InvestorOrgModel.findById(org._id).lean();
            expect(stored!.nameEn).to.equal('Original Name');
            expect(stored!.archived).to.equal(false);
            expect(await InvestorOrgModel.countDocuments({})).to.equal(w === 'investor' ? 2 : 1);
            expect(await AuditEntryModel.countDocuments({ entity: 'investor' })).to.equal(0);
          }
        });
      }
    }
  });

  describe('creating', () => {
    it('when staff add an investor, then it is stored with its name key, shown, and audited field by field', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, '/investors', {
        nameKo: '부산벤처스',
        nameEn: '  Busan Ventures ',
        type: 'tips-operator',
        website: 'https://busan.example',
        bifcBased: 'true',
      });
      expect(res.status, res.text.slice(0, 500)).to.equal(302);
      const org = await InvestorOrgModel.findOne({ nameKey: 'busan#ventures' }).lean();
      expect(org).to.include({
        nameKo: '부산벤처스',
        nameEn: 'Busan Ventures',
        type: 'tips-operator',
        website: 'https://busan.example',
        bifcBased: true,
        archived: false,
      });
      expect(res.headers.location).to.equal(`/investors/${org!._id}`);

      const audit = await AuditEntryModel.find({ entityId: org!._id }).lean();
      expect(audit).to.have.length(1);
      expect(audit[0]).to.include({ entity: 'investor', action: 'create', actorEmail: staff.email, version: 0 });
      expect(audit[0]?.changes).to.deep.include({ field: 'nameEn', before: null, after: 'Busan Ventures' });
      expect(audit[0]?.changes).to.deep.include({ field: 'bifcBased', before: null, after: true });

      const page = await staff.get(res.headers.location!).set('Accept-Language', 'en');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Busan Ventures');
      expect(page.text).to.contain('TIPS operator');
      expect(page.text).to.contain('class="timeline"');
      expect(page.text).to.contain(staff.email);
      expect(page.text).to.match(/(?:Name \(English\)|이름 \(영문\)): <del>—<\/del> → <ins>Busan Ventures<\/ins>/);
    });

    it('when only a Korean name is given, then the name key comes from it', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, '/investors', { nameKo: '  한국엔젤클럽 ', nameEn: '', type: 'angel-network' });
      expect(res.status).to.equal(302);
      const org = await InvestorOrgModel.findOne({ nameKey: '한국엔젤클럽' }).lean();
      expect(org).to.not.equal(null);
      expect(org!.nameEn).to.equal(undefined);
      expect(org!.bifcBased).to.equal(false);
    });

    it('when the form is wrong, then it comes back (422) with what was typed and each error beside its field', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, '/investors', {
        nameKo: '',
        nameEn: '',
        type: 'hedge-fund',
        website: 'ftp://files.example/<b>',
        bifcBased: 'true',
      });
      expect(res.status).to.equal(422);
      const en = await post(staff, '/investors', { nameKo: '', nameEn: '', type: '', website: 'not a url' });
      expect(en.status).to.equal(422);
      // Every error sits inside its own field block, and the typed input is kept (escaped).
      expect(fieldBlock(res.text, 'nameKo')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'nameEn')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'type')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'website')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'website')).to.contain('value="ftp://files.example/&lt;b&gt;"');
      expect(fieldBlock(res.text, 'bifcBased')).to.contain('checked');
      expect(await InvestorOrgModel.countDocuments({})).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ action: { $ne: 'login' } })).to.equal(0);
    });

    it('when the error messages are shown in English, then they say what to fix', async () => {
      const staff = await loginAs(t.app, 'staff');
      const token = await staff.csrf();
      const res = await staff
        .post('/investors')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: token, nameEn: 'Fine Name', type: 'vc', website: 'javascript:alert(1)' });
      expect(res.status).to.equal(422);
      expect(fieldBlock(res.text, 'website')).to.contain('Enter a web address starting with http:// or https://.');
      expect(fieldBlock(res.text, 'nameEn')).to.contain('value="Fine Name"');
    });

    it('when the new-organisation form is sent twice (a double click, a resend), then one organisation is added and the second send says it was saved already', async () => {
      const staff = await loginAs(t.app, 'staff');
      const form = (await staff.get('/investors/new').set('Accept-Language', 'en')).text;
      const newId = /name="newId" value="([0-9a-f]{24})"/.exec(form)?.[1];
      expect(newId, 'the form carries the id of the organisation it adds').to.be.a('string');
      const body = { _csrf: await staff.csrf(), newId, nameEn: 'Twice Sent Capital', type: 'vc' };
      const first = await staff.post('/investors').set('Accept-Language', 'en').type('form').send(body);
      const again = await staff.post('/investors').set('Accept-Language', 'en').type('form').send(body);
      expect(first.status).to.equal(302);
      expect(again.status, 'not the name-taken error').to.equal(302);
      expect(again.headers.location).to.equal(`/investors/${newId}`);
      expect(await InvestorOrgModel.countDocuments({ nameEn: 'Twice Sent Capital' })).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ entity: 'investor', action: 'create' })).to.equal(1);
      const shown = await staff.get(again.headers.location!).set('Accept-Language', 'en');
      expect(shown.text).to.contain('This organisation was added already (the form was sent twice)');
    });

    it('when the name is already taken (ignoring case and spaces), then the form shows the error beside the name, not a 500', async () => {
      await makeInvestorOrg({ nameEn: 'BNK Venture Capital' });
      const staff = await loginAs(t.app, 'staff');
      const token = await staff.csrf();
      const res = await staff
        .post('/investors')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: token, nameEn: ' bnk venture capital', type: 'vc' });
      expect(res.status).to.equal(422);
      expect(fieldBlock(res.text, 'nameEn')).to.contain('An investor with this name already exists.');
      expect(fieldBlock(res.text, 'type')).to.match(/<option value="vc" selected>/);
      expect(await InvestorOrgModel.countDocuments({})).to.equal(1);
    });

    it('when organisations were stored with name keys from before (spaces kept), then the start-up upkeep rewrites them, the list keeps its order and a taken name is still refused', async () => {
      const names = ['Busan Ventures', 'BusanVentures', 'A&B Capital', 'Busan'];
      await InvestorOrgModel.collection.insertMany(
        names.map((nameEn) => ({ nameEn, nameKey: nameEn.toLowerCase(), type: 'vc', archived: false })),
      );
      const staff = await loginAs(t.app, 'staff');
      const listed = async () => rowIds((await staff.get('/investors')).text);
      const before = await listed();

      expect(await backfillNameKeys()).to.deep.equal({ updated: 2, clashes: 0 });
      expect(await backfillNameKeys()).to.deep.equal({ updated: 0, clashes: 0 });
      const keys = (await InvestorOrgModel.find({}, { nameKey: 1 }).lean()).map((o) => o.nameKey).sort();
      expect(keys).to.deep.equal(['a#b#capital', 'busan', 'busan#ventures', 'busanventures']);
      expect(await listed()).to.deep.equal(before);
      const again = await post(staff, '/investors', { nameEn: ' BUSAN VENTURES ', type: 'vc' });
      expect(again.status).to.equal(422);
    });
  });

  it('when the list is read again, then it is one read by _id, and a new organisation or a rename shows on it at once', async () => {
    const org = await makeInvestorOrg({ nameEn: 'Kept Capital' });
    const staff = await loginAs(t.app, 'staff');
    const names = async () => {
      const html = (await staff.get('/investors').set('Accept-Language', 'en')).text;
      return [...html.matchAll(/data-label="English name">([^<]+)</g)].map((m) => m[1]);
    };
    expect(await names()).to.include('Kept Capital');
    const { commands } = await captureCommands(() => staff.get('/investors'));
    const pageReads = commands.filter((c) => c.collection !== 'sessions' && c.collection !== 'users');
    expect(pageReads.map((c) => c.collection)).to.deep.equal(['computed']);

    await makeInvestorOrg({ nameEn: 'Added Later Partners' });
    expect(await names()).to.include('Added Later Partners');
    await InvestorOrgModel.updateOne({ _id: org._id }, { $set: { nameEn: 'Renamed Capital' } });
    expect(await names())
      .to.include('Renamed Capital')
      .and.not.include('Kept Capital');
  });

  describe('editing', () => {
    it('when staff change fields, then the record, its version and the audit entry (before → after) are updated', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Old Name', type: 'vc' });
      const staff = await loginAs(t.app, 'staff');
      const form = await staff.get(`/investors/${org._id}/edit`);
      expect(form.status).to.equal(200);
      expect(versionOf(form.text)).to.equal('0');
      expect(form.text).to.contain('value="Old Name"');

      const res = await post(staff, `/investors/${org._id}`, {
        _version: '0',
        nameKo: org.nameKo!,
        nameEn: 'New Name',
        type: 'cvc',
        website: '',
      });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/investors/${org._id}`);
      const stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored).to.include({ nameEn: 'New Name', nameKey: 'new#name', type: 'cvc', __v: 1 });

      const entry = await AuditEntryModel.findOne({ entityId: org._id, action: 'update' }).lean();
      expect(entry).to.include({ entity: 'investor', actorEmail: staff.email, version: 1, entityLabel: 'New Name' });
      expect(entry!.changes).to.deep.equal([
        { field: 'nameEn', before: 'Old Name', after: 'New Name' },
        { field: 'type', before: 'vc', after: 'cvc' },
      ]);
      const page = await staff.get(`/investors/${org._id}`);
      expect(page.text).to.match(/(?:Name \(English\)|이름 \(영문\)): <del>Old Name<\/del> → <ins>New Name<\/ins>/);
    });

    it('when a save changes nothing, then no version is spent and no audit entry is written', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Same Name', nameKo: '같은이름', type: 'bank' });
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, `/investors/${org._id}`, {
        _version: '0',
        nameKo: '같은이름',
        nameEn: 'Same Name',
        type: 'bank',
      });
      expect(res.status).to.equal(302);
      expect((await InvestorOrgModel.findById(org._id).lean())!.__v).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ action: 'update' })).to.equal(0);
    });

    it('when an edit takes a name another investor has, then the error shows beside the name and nothing is saved', async () => {
      await makeInvestorOrg({ nameEn: 'Taken Partners' });
      const org = await makeInvestorOrg({ nameEn: 'Free Partners' });
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, `/investors/${org._id}`, { _version: '0', nameEn: 'TAKEN partners', type: 'vc' });
      expect(res.status).to.equal(422);
      expect(fieldBlock(res.text, 'nameEn')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'nameEn')).to.contain('value="TAKEN partners"');
      expect(versionOf(res.text)).to.equal('0');
      expect((await InvestorOrgModel.findById(org._id).lean())!.nameEn).to.equal('Free Partners');
    });

    it('when a second editor changes a field the first changed too, then the save is refused (409) with both values, the first save stands, and what only one changed is merged', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Shared Capital', type: 'vc' });
      const first = await loginAs(t.app, 'staff');
      const second = await loginAs(t.app, 'admin');
      const formA = loadedForm((await first.get(`/investors/${org._id}/edit`)).text);
      const formB = loadedForm((await second.get(`/investors/${org._id}/edit`)).text);
      expect(formA._version).to.equal('0');
      expect(formB._version).to.equal('0');

      const saveA = await post(first, `/investors/${org._id}`, {
        ...formA,
        nameEn: 'Shared Capital Partners',
        bifcBased: 'true',
      });
      expect(saveA.status).to.equal(302);

      const tokenB = await second.csrf();
      const saveB = await second
        .post(`/investors/${org._id}`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ ...formB, _csrf: tokenB, nameEn: 'Shared Capital Group', type: 'bank' });
      expect(saveB.status).to.equal(409);
      expect(saveB.text).to.contain('Someone else saved this investor while you were editing');
      expect(saveB.text).to.contain(first.email);
      // The field both changed, with both values; fields only one of them changed are not listed.
      expect(clashRow(saveB.text, 'nameEn')).to.match(/Shared Capital Partners.*Shared Capital Group/);
      expect(saveB.text).to.not.contain('data-field="type"');
      expect(saveB.text).to.not.contain('data-field="bifcBased"');
      // The form holds this editor's values, the other's change taken in, and the current version.
      expect(fieldBlock(saveB.text, 'nameEn')).to.contain('value="Shared Capital Group"');
      expect(fieldBlock(saveB.text, 'type')).to.match(/<option value="bank" selected>/);
      expect(fieldBlock(saveB.text, 'bifcBased')).to.contain('checked');
      expect(versionOf(saveB.text)).to.equal('1');

      const stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored).to.include({ nameEn: 'Shared Capital Partners', type: 'vc', bifcBased: true, __v: 1 });
      expect(await AuditEntryModel.countDocuments({ entityId: org._id, action: 'update' })).to.equal(1);

      // Saving the merged form is a deliberate choice: nothing the first editor did is lost.
      const again = await post(second, `/investors/${org._id}`, {
        ...loadedForm(saveB.text),
        nameEn: 'Shared Capital Group',
        type: 'bank',
      });
      expect(again.status).to.equal(302);
      expect(await InvestorOrgModel.findById(org._id).lean()).to.include({
        nameEn: 'Shared Capital Group',
        type: 'bank',
        bifcBased: true,
        __v: 2,
      });
    });

    it('when a save comes without a version (not from the edit form), then it is saved against the stored version', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Versioned' });
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, `/investors/${org._id}`, { nameEn: 'Unversioned', type: 'vc' });
      expect(res.status).to.equal(302);
      expect(await InvestorOrgModel.findById(org._id).lean()).to.include({ nameEn: 'Unversioned', __v: 1 });
    });

    it('when the investor does not exist, then the edit page and the save are 404', async () => {
      const staff = await loginAs(t.app, 'staff');
      expect((await staff.get('/investors/0123456789abcdef01234567/edit')).status).to.equal(404);
      expect(
        (await post(staff, '/investors/0123456789abcdef01234567', { _version: '0', nameEn: 'X', type: 'vc' })).status,
      ).to.equal(404);
      expect((await staff.get('/investors/not-an-id')).status).to.equal(404);
    });
  });

  describe('archiving', () => {
    it('when an investor is archived and restored, then the list hides and shows it, and both are audited with versions', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Sleepy Capital' });
      const staff = await loginAs(t.app, 'staff');

      const archived = await post(staff, `/investors/${org._id}/archive`, {});
      expect(archived.status).to.equal(302);
      let stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.archived).to.equal(true);
      expect(stored!.archivedAt).to.be.instanceOf(Date);
      expect(stored!.__v).to.equal(1);
      expect(rowIds((await staff.get('/investors')).text)).to.not.include(String(org._id));
      expect(rowIds((await staff.get('/investors?archived=true')).text)).to.include(String(org._id));
      const profile = await staff.get(`/investors/${org._id}`);
      expect(profile.text).to.contain(`/investors/${org._id}/restore`);

      const restored = await post(staff, `/investors/${org._id}/restore`, {});
      expect(restored.status).to.equal(302);
      stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.archived).to.equal(false);
      expect(stored!.archivedAt).to.equal(undefined);
      expect(rowIds((await staff.get('/investors')).text)).to.include(String(org._id));

      const entries = await AuditEntryModel.find({ entityId: org._id }).sort({ at: 1 }).lean();
      expect(entries.map((e) => [e.action, e.version])).to.deep.equal([
        ['archive', 1],
        ['restore', 2],
      ]);
      expect(entries[0]?.changes).to.deep.include({ field: 'archived', before: false, after: true });
      expect(entries[1]?.changes).to.deep.include({ field: 'archived', before: true, after: false });
    });

    it('when an organisation is added, renamed or archived, then the sharing form offers the change at once', async () => {
      const staff = await loginAs(t.app, 'staff');
      const firm = await makeFirm({ nameKo: '공유기업' });
      const sharingOptions = async () =>
        (await staff.get(`/firms/${firm._id}/sharing`).set('Accept-Language', 'en')).text;
      const org = await makeInvestorOrg({ nameEn: 'First Light Capital' });
      expect(await sharingOptions()).to.contain('First Light Capital');

      // The options are kept between requests (the computed pattern); every write through the pages shows at once.
      const added = await makeInvestorOrg({ nameEn: 'Second Wind Partners' });
      expect(await sharingOptions()).to.contain('Second Wind Partners');
      await InvestorOrgModel.updateOne({ _id: org._id }, { $set: { nameEn: 'First Light Ventures' } });
      const renamed = await sharingOptions();
      expect(renamed).to.contain('First Light Ventures').and.not.contain('First Light Capital');
      await post(staff, `/investors/${added._id}/archive`, {});
      expect(await sharingOptions()).to.not.contain('Second Wind Partners');
    });

    it('when an archived investor is archived again, then nothing is written twice', async () => {
      const org = await makeInvestorOrg();
      const staff = await loginAs(t.app, 'staff');
      await post(staff, `/investors/${org._id}/archive`, {});
      const again = await post(staff, `/investors/${org._id}/archive`, {});
      expect(again.status).to.equal(302);
      expect((await InvestorOrgModel.findById(org._id).lean())!.__v).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ entityId: org._id })).to.equal(1);
    });

    it('when an edit form was loaded before someone archived the investor, then the edit is merged and saved, and it stays archived', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Archived Meanwhile' });
      const staff = await loginAs(t.app, 'staff');
      const form = loadedForm((await staff.get(`/investors/${org._id}/edit`)).text);
      await post(staff, `/investors/${org._id}/archive`, {});
      const res = await post(staff, `/investors/${org._id}`, { ...form, nameEn: 'Edited' });
      expect(res.status).to.equal(302);
      expect(await InvestorOrgModel.findById(org._id).lean()).to.include({ nameEn: 'Edited', archived: true, __v: 2 });
    });
  });

  describe('the list', () => {
    const TYPES = ['vc', 'cvc', 'bank'] as const;
    async function seedThirty() {
      // 30 organisations: "Alpha 01" … "Alpha 10", "Beta 11" … "Beta 20", "Gamma 21" … "Gamma 30".
      const docs = Array.from({ length: 30 }, (_, i) => {
        const n = i + 1;
        const word = n <= 10 ? 'Alpha' : n <= 20 ? 'Beta' : 'Gamma';
        const nameEn = `${word} ${String(n).padStart(2, '0')}`;
        return {
          nameEn,
          nameKo: `기관 ${n}`,
          nameKey: nameEn.toLowerCase(),
          type: TYPES[n % 3],
          bifcBased: n % 2 === 0,
          archived: n === 30,
        };
      });
      return InvestorOrgModel.insertMany(docs);
    }

    it('when there are more than a page, then next and previous links walk through every organisation once, in name order', async () => {
      const orgs = await seedThirty();
      const staff = await loginAs(t.app, 'staff');
      const page1 = await staff.get('/investors');
      expect(page1.status).to.equal(200);
      const ids1 = rowIds(page1.text);
      expect(ids1).to.have.length(25);
      expect(hrefOf(page1.text, 'prev')).to.equal(undefined);
      const next = hrefOf(page1.text, 'next')!;
      expect(next).to.match(/^\/investors\?after=/);

      const page2 = await staff.get(next);
      const ids2 = rowIds(page2.text);
      // 29 non-archived: 25 + 4, none twice, sorted by name.
      expect(ids2).to.have.length(4);
      expect(hrefOf(page2.text, 'next')).to.equal(undefined);
      const byName = orgs
        .filter((o) => !o.archived)
        .sort((a, b) => a.nameKey.localeCompare(b.nameKey))
        .map((o) => String(o._id));
      expect([...ids1, ...ids2]).to.deep.equal(byName);

      const back = await staff.get(hrefOf(page2.text, 'prev')!);
      expect(rowIds(back.text)).to.deep.equal(ids1);
      expect(hrefOf(back.text, 'prev')).to.equal(undefined);
      expect(hrefOf(back.text, 'next')).to.equal(next);
    });

    it('when searching by part of a name, then matches are case-insensitive, in either language, literal, and the typed search stays in the box', async () => {
      await seedThirty();
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get('/investors?q=BETA');
      expect(rowIds(res.text)).to.have.length(10);
      expect(res.text).to.contain('Beta 11');
      expect(res.text).to.not.contain('Alpha 01');
      expect(fieldBlock(res.text, 'q')).to.contain('value="BETA"');
      // Any part of a name: "eta" is inside "Beta"; Korean names too; archived ones stay hidden.
      expect(rowIds((await staff.get('/investors?q=eta')).text)).to.have.length(10);
      expect(rowIds((await staff.get('/investors?q=mm')).text)).to.have.length(9);
      expect(rowIds((await staff.get(`/investors?q=${encodeURIComponent('기관 1')}`)).text)).to.have.length(11);
      // Regex characters are taken literally, not as a pattern.
      const odd = await staff.get(`/investors?q=${encodeURIComponent('.*')}`);
      expect(odd.status).to.equal(200);
      expect(rowIds(odd.text)).to.have.length(0);
      expect((await staff.get(`/investors?q=${encodeURIComponent('(')}`)).status).to.equal(200);

      const alpha = await staff.get('/investors?q=alpha');
      expect(rowIds(alpha.text)).to.have.length(10);
    });

    it('when filtering by type, BIFC and archived, then only those show and the next link keeps the filters', async () => {
      const orgs = await seedThirty();
      const staff = await loginAs(t.app, 'staff');
      const banks = rowIds((await staff.get('/investors?type=bank')).text);
      expect(banks.sort()).to.deep.equal(
        orgs
          .filter((o) => o.type === 'bank' && !o.archived)
          .map((o) => String(o._id))
          .sort(),
      );

      const bifc = rowIds((await staff.get('/investors?bifc=true&type=cvc')).text);
      expect(bifc.sort()).to.deep.equal(
        orgs
          .filter((o) => o.type === 'cvc' && o.bifcBased && !o.archived)
          .map((o) => String(o._id))
          .sort(),
      );
      const elsewhere = rowIds((await staff.get('/investors?bifc=false')).text);
      expect(elsewhere).to.have.length(15);

      const all = await staff.get('/investors?archived=true&bifc=true');
      expect(rowIds(all.text)).to.have.length(15);
      expect(all.text).to.contain('Gamma 30');
      const next = hrefOf((await staff.get('/investors?archived=true')).text, 'next')!;
      expect(next).to.contain('archived=true');
      expect(rowIds((await staff.get(next)).text)).to.have.length(5);
    });

    it('when the query has a bad value or an unknown parameter, then it is ignored: bad values with a notice, bad page links go to the first page', async () => {
      const staff = await loginAs(t.app, 'staff');
      for (const [qs, notice] of [
        ['type=hedge-fund', '유형'],
        ['bifc=maybe', 'BIFC 거점'],
        ['q=a&q=b', '검색어'],
      ] as const) {
        const res = await staff.get(`/investors?${qs}`);
        expect(res.status, qs).to.equal(200);
        expect(res.text, qs).to.contain(`알 수 없는 필터 값을 무시했습니다: ${notice}`);
      }
      const unknown = await staff.get('/investors?sort[$ne]=1&fbclid=abc');
      expect(unknown.status).to.equal(200);
      expect(unknown.text).to.not.contain('알 수 없는 필터 값');
      for (const after of ['not*a*cursor', Buffer.from('["x","nope"]').toString('base64url')]) {
        const res = await staff.get(`/investors?after=${after}`);
        expect(res.status, after).to.equal(303);
        expect(res.headers.location).to.equal('/investors');
      }
    });
  });

  describe('rounds joined', () => {
    it('when an investor took part in rounds, then its page lists them with the firm, stage, date, its amount and lead, and the list counts them', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Round Tripper' });
      const other = await makeInvestorOrg({ nameEn: 'Someone Else' });
      const firmA = await FirmModel.create({
        nameKo: '페이랩',
        nameEn: 'PayLab',
        sortName: 'paylab',
        sectorPrimary: 'payments',
        status: 'resident',
      });
      const firmB = await FirmModel.create({
        nameKo: '체인웍스',
        nameEn: 'ChainWorks',
        sortName: 'chainworks',
        sectorPrimary: 'digital-assets',
        status: 'resident',
      });
      await FundingRoundModel.create([
        {
          firm: firmA._id,
          stage: 'seed',
          instrument: 'rcps',
          amountKrw: 1_000_000_000,
          status: 'closed',
          closedOn: '2025-03-14',
          participants: [
            { investor: org._id, amountKrw: 500_000_000, lead: true },
            { investor: other._id, amountKrw: 500_000_000 },
          ],
        },
        {
          firm: firmB._id,
          stage: 'series-a',
          instrument: 'preferred',
          amountKrw: 3_000_000_000,
          status: 'closed',
          closedOn: '2026-01-20',
          participants: [{ investor: org._id, amountKrw: 250_000_000, lead: false }],
        },
        {
          firm: firmB._id,
          stage: 'bridge',
          instrument: 'safe',
          amountKrw: 100_000_000,
          status: 'closed',
          closedOn: '2024-05-01',
          participants: [{ investor: other._id, amountKrw: 100_000_000 }],
        },
      ]);
      const staff = await loginAs(t.app, 'staff');
      const page = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      expect(page.status).to.equal(200);
      const table = page.text.slice(page.text.indexOf('rounds-joined'));
      expect(table).to.contain(`href="/firms/${firmA._id}"`);
      expect(table).to.contain(`href="/firms/${firmB._id}"`);
      expect(table).to.contain('PayLab');
      expect(table).to.contain('Series A');
      expect(table).to.contain('₩500M');
      expect(table).to.contain('₩250M');
      expect(table).to.not.contain('Bridge');
      // Newest first: the 2026 series A before the 2025 seed.
      expect(table.indexOf('ChainWorks')).to.be.lessThan(table.indexOf('PayLab'));
      expect(table).to.match(/PayLab[\s\S]*?₩500M[\s\S]*?Yes/);

      const korean = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'ko');
      expect(korean.text).to.contain('5억원');

      const list = await staff.get('/investors');
      expect(list.text).to.match(new RegExp(`data-investor="${org._id}"[\\s\\S]*?class="num"[^>]*>2<`));
      expect(list.text).to.match(new RegExp(`data-investor="${other._id}"[\\s\\S]*?class="num"[^>]*>2<`));

      // The counts are kept between requests; a new round shows in them at once.
      await FundingRoundModel.create({
        firm: firmA._id,
        stage: 'series-a',
        instrument: 'rcps',
        amountKrw: 2_000_000_000,
        status: 'closed',
        closedOn: '2026-06-30',
        participants: [{ investor: org._id, amountKrw: 2_000_000_000, lead: true }],
      });
      const after = await staff.get('/investors');
      expect(after.text).to.match(new RegExp(`data-investor="${org._id}"[\\s\\S]*?class="num"[^>]*>3<`));
      expect(after.text).to.match(new RegExp(`data-investor="${other._id}"[\\s\\S]*?class="num"[^>]*>2<`));
      // So is the investor page's list of rounds.
      const pageAfter = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      expect(pageAfter.text.slice(pageAfter.text.indexOf('rounds-joined'))).to.contain('₩2B');
      // A round that did not close says so there.
      await FundingRoundModel.updateMany({ 'participants.investor': org._id }, { $set: { status: 'cancelled' } });
      const cancelled = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      expect(cancelled.text.slice(cancelled.text.indexOf('rounds-joined'))).to.contain(
        'Series A <span class="badge">Cancelled</span>',
      );
    });

    it('when a round is shown on the investor page and on the firm page, then its stage reads the same on both', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Stage Reader' });
      const firm = await FirmModel.create({
        nameKo: '프리에이',
        nameEn: 'PreA Labs',
        sortName: 'prea labs',
        sectorPrimary: 'payments',
        status: 'resident',
      });
      await FundingRoundModel.create({
        firm: firm._id,
        stage: 'pre-a',
        instrument: 'rcps',
        amountKrw: 800_000_000,
        status: 'closed',
        closedOn: '2025-09-01',
        participants: [{ investor: org._id, amountKrw: 800_000_000 }],
      });
      const staff = await loginAs(t.app, 'staff');
      for (const [lang, stage] of [
        ['en', 'Pre-Series A'],
        ['ko', '프리 시리즈 A'],
      ] as const) {
        const investorPage = await staff.get(`/investors/${org._id}`).set('Accept-Language', lang);
        const firmPage = await staff.get(`/firms/${firm._id}`).set('Accept-Language', lang);
        expect(investorPage.text.slice(investorPage.text.indexOf('rounds-joined')), lang).to.contain(stage);
        expect(firmPage.text.slice(firmPage.text.indexOf('id="rounds"')), lang).to.contain(stage);
      }
    });
  });
});
