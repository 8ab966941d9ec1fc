import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { useTestApp, loginAs, type Agent, uploadCsv, previewActionsOf } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { loadedForm, clashRow } from '../helpers/edit-form.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { captureCommands } from '../helpers/commands.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { INVESTOR_EXPORT_COLUMNS } from '../../server/exports/exports.service.js';
import { createMatch, moveMatch } from '../../server/matches/matches.service.js';

// The investor organisation's deal-flow profile: thesis, funds, contacts, matches and last contact, and its CSV columns.

async function post(agent: Agent, path: string, body: Record<string, unknown>, lang = 'en') {
  const token = await agent.csrf();
  return agent
    .post(path)
    .set('Accept-Language', lang)
    .type('form')
    .send({ ...body, _csrf: token });
}
// The field's block (label, input and its error) in a rendered form.
const fieldBlock = (html: string, name: string) => {
  const start = html.indexOf(`id="f-${name}"`);
  const from = html.lastIndexOf('<div class="field', start);
  return html.slice(from, html.indexOf('</div>', start) + 6);
};
// A section of the investor page, from its id to the end of the section.
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
};
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

async function download(agent: Agent, path: string): Promise<{ status: number; body: Buffer }> {
  const res = await agent
    .get(path)
    .buffer(true)
    .parse((stream, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  return { status: res.status, body: res.body as Buffer };
}
const upload = (agent: Agent, kind: string, bytes: Buffer) => uploadCsv(agent, kind, bytes, undefined, 'en');
const actionsOf = previewActionsOf;
const recordsOf = (bytes: Buffer) =>
  parse<Record<string, string>>(bytes.toString('utf8'), { bom: true, columns: true });

const THESIS = {
  thesisSectors: ['payments', 'digital-assets'],
  thesisStages: ['seed', 'pre-a'],
  thesisInstruments: ['rcps'],
  thesisRegions: ['busan', 'korea'],
  ticketMinKrw: '3억',
  ticketMaxKrw: '1,500,000,000',
  thesisNotes: '부산 핀테크 초기 기업',
};

describe('investor profiles (deal flow)', () => {
  const t = useTestApp();

  describe('thesis', () => {
    it('when staff save a thesis, then it is stored in won, audited field by field and shown with labels in both languages', async () => {
      // Arrange
      const org = await makeInvestorOrg({ nameEn: 'Thesis Capital' });
      const staff = await loginAs(t.app, 'staff');
      const form = loadedForm((await staff.get(`/investors/${org._id}/edit`)).text);
      // Act
      const res = await post(staff, `/investors/${org._id}`, { ...form, ...THESIS });
      // Assert
      expect(res.status, res.text.slice(0, 400)).to.equal(302);
      const stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.thesis).to.deep.include({
        sectors: ['payments', 'digital-assets'],
        stages: ['seed', 'pre-a'],
        instruments: ['rcps'],
        regions: ['busan', 'korea'],
        ticketMinKrw: 300_000_000,
        ticketMaxKrw: 1_500_000_000,
        notes: '부산 핀테크 초기 기업',
      });
      expect(stored!.__v).to.equal(1);
      const entry = await AuditEntryModel.findOne({ entityId: org._id, action: 'update' }).lean();
      expect(entry!.changes.map((c) => c.field)).to.include.members([
        'thesis.sectors',
        'thesis.ticketMinKrw',
        'thesis.ticketMaxKrw',
        'thesis.regions',
      ]);

      const en = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      const thesis = text(section(en.text, 'thesis'));
      expect(thesis).to.contain('Payments').and.contain('Pre-Series A').and.contain('RCPS').and.contain('Busan');
      expect(thesis).to.contain('₩300M – ₩1.5B');
      expect(thesis).to.contain('부산 핀테크 초기 기업');
      // The history reads the change in words, not codes.
      expect(en.text).to.match(/Thesis: regions: <del>—<\/del> → <ins>Busan, Korea \(nationwide\)<\/ins>/);
      const ko = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'ko');
      expect(text(section(ko.text, 'thesis')))
        .to.contain('3억원 – 15억원')
        .and.contain('부산');
      // The edit form shows the amounts as typed back in won, and the choices checked.
      const edit = await staff.get(`/investors/${org._id}/edit`);
      expect(fieldBlock(edit.text, 'ticketMinKrw')).to.contain('value="300,000,000"');
      expect(edit.text).to.match(/name="thesisRegions" value="busan" checked/);
    });

    it('when only one ticket bound is given, then the other stays open', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Open Top' });
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, `/investors/${org._id}`, { nameEn: 'Open Top', type: 'vc', ticketMinKrw: '5천만' });
      expect(res.status).to.equal(302);
      const stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.thesis!.ticketMinKrw).to.equal(50_000_000);
      expect(stored!.thesis!.ticketMaxKrw).to.equal(undefined);
      const page = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      expect(text(section(page.text, 'thesis')))
        .to.contain('From ₩50M')
        .and.contain('Any');
    });

    it('when the smallest ticket is above the largest, then the form comes back (422) with the error beside the largest, what was typed kept, nothing saved', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Upside Down' });
      const staff = await loginAs(t.app, 'staff');
      const form = loadedForm((await staff.get(`/investors/${org._id}/edit`)).text);
      const res = await post(staff, `/investors/${org._id}`, {
        ...form,
        ticketMinKrw: '10억',
        ticketMaxKrw: '5억',
        thesisSectors: ['lending'],
      });
      expect(res.status).to.equal(422);
      expect(fieldBlock(res.text, 'ticketMaxKrw')).to.contain('The largest ticket cannot be below the smallest.');
      expect(fieldBlock(res.text, 'ticketMaxKrw')).to.contain('value="5억"');
      expect(fieldBlock(res.text, 'ticketMinKrw')).to.contain('value="10억"');
      expect(res.text).to.match(/name="thesisSectors" value="lending" checked/);
      expect((await InvestorOrgModel.findById(org._id).lean())!.__v).to.equal(0);
      // In Korean too.
      const ko = await post(
        staff,
        `/investors/${org._id}`,
        { ...form, ticketMinKrw: '10억', ticketMaxKrw: '5억' },
        'ko',
      );
      expect(fieldBlock(ko.text, 'ticketMaxKrw')).to.contain('최대 투자 금액은 최소 투자 금액보다 작을 수 없습니다.');
      // An amount that is not one is refused beside its field.
      const bad = await post(staff, `/investors/${org._id}`, { ...form, ticketMinKrw: 'lots' });
      expect(bad.status).to.equal(422);
      expect(fieldBlock(bad.text, 'ticketMinKrw')).to.match(/class="error"/);
    });

    it('when two people edit the thesis at once, then different fields are merged and saved, and the same field is a conflict (409) with both values', async () => {
      // Arrange
      const org = await makeInvestorOrg({ nameEn: 'Busy Partners' });
      const first = await loginAs(t.app, 'staff');
      const second = await loginAs(t.app, 'admin');
      const formA = loadedForm((await first.get(`/investors/${org._id}/edit`)).text);
      const formB = loadedForm((await second.get(`/investors/${org._id}/edit`)).text);
      // Act: A sets the sectors, B (from the same version) the ticket bounds.
      expect((await post(first, `/investors/${org._id}`, { ...formA, thesisSectors: ['insurtech'] })).status).to.equal(
        302,
      );
      const merged = await post(second, `/investors/${org._id}`, {
        ...formB,
        ticketMinKrw: '1억',
        ticketMaxKrw: '10억',
      });
      // Assert: both kept.
      expect(merged.status).to.equal(302);
      let stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.thesis).to.deep.include({
        sectors: ['insurtech'],
        ticketMinKrw: 100_000_000,
        ticketMaxKrw: 1_000_000_000,
      });
      expect(stored!.__v).to.equal(2);

      // Act: both change the smallest ticket from the same version.
      const formC = loadedForm((await first.get(`/investors/${org._id}/edit`)).text);
      const formD = loadedForm((await second.get(`/investors/${org._id}/edit`)).text);
      expect((await post(first, `/investors/${org._id}`, { ...formC, ticketMinKrw: '2억' })).status).to.equal(302);
      const clash = await post(second, `/investors/${org._id}`, {
        ...formD,
        ticketMinKrw: '3억',
        thesisRegions: ['global'],
      });
      // Assert: refused with both amounts, the first save stands.
      expect(clash.status).to.equal(409);
      expect(clashRow(clash.text, 'ticketMinKrw')).to.match(/Smallest ticket ₩200M ₩300M/);
      expect(clash.text).to.not.contain('data-field="thesisRegions"');
      stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.thesis).to.deep.include({ ticketMinKrw: 200_000_000, regions: [] });
    });
  });

  describe('funds', () => {
    it('when staff add, edit and remove a fund, then the page shows it with its badge and the totals, and each change is audited', async () => {
      // Arrange
      const org = await makeInvestorOrg({ nameEn: 'Fund House' });
      const staff = await loginAs(t.app, 'staff');
      // Act: add two funds.
      const added = await post(staff, `/investors/${org._id}/funds`, {
        name: 'BIFC 핀테크 1호',
        sizeKrw: '500억',
        vintage: '2023-04-01',
        dryPowderKrw: '120억',
        bifcStartupFund: 'true',
      });
      expect(added.status, added.text.slice(0, 300)).to.equal(302);
      expect(added.headers.location).to.equal(`/investors/${org._id}#funds`);
      await post(staff, `/investors/${org._id}/funds`, { name: 'Global Growth II', sizeKrw: '100,000,000,000' });
      // Assert
      let stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.funds.map((f) => [f.name, f.sizeKrw, f.vintage, f.dryPowderKrw, f.bifcStartupFund])).to.deep.equal(
        [
          ['BIFC 핀테크 1호', 50_000_000_000, '2023-04-01', 12_000_000_000, true],
          ['Global Growth II', 100_000_000_000, undefined, undefined, false],
        ],
      );
      const page = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      const funds = section(page.text, 'funds');
      expect(funds).to.match(/BIFC 핀테크 1호 <span class="badge bifc-fund">BIFC startup fund<\/span>/);
      expect(funds).to.not.match(/Global Growth II <span class="badge/);
      expect(text(funds))
        .to.contain('Total (2 funds) ₩150B')
        .and.contain('Of which BIFC startup investment funds ₩50B');
      // On a phone the table stacks, each cell under its column's name: the totals' cells name theirs too.
      const totals = funds.slice(funds.indexOf('<tfoot>'));
      expect(totals).to.contain('<td class="num" data-label="Size"').and.contain('data-label="Dry powder"');
      const addEntry = await AuditEntryModel.findOne({ entityId: org._id, 'changes.field': 'fund.name' })
        .sort({ at: 1 })
        .lean();
      expect(addEntry!.changes).to.deep.include({ field: 'fund.sizeKrw', before: null, after: 50_000_000_000 });
      expect(page.text).to.match(/Fund size: <del>—<\/del> → <ins>₩50B<\/ins>/);

      // Act: edit the first one from its form.
      const fundId = String(stored!.funds[0]!._id);
      const form = loadedForm((await staff.get(`/investors/${org._id}/funds/${fundId}/edit`)).text);
      expect(form).to.include({ name: 'BIFC 핀테크 1호', sizeKrw: '50000000000', bifcStartupFund: 'true' });
      const edited = await post(staff, `/investors/${org._id}/funds/${fundId}`, { ...form, dryPowderKrw: '80억' });
      expect(edited.status).to.equal(302);
      stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.funds[0]?.dryPowderKrw).to.equal(8_000_000_000);
      const editEntry = await AuditEntryModel.findOne({
        entityId: org._id,
        'changes.field': 'fund.dryPowderKrw',
        'changes.before': 12_000_000_000,
      }).lean();
      expect(editEntry!.changes).to.deep.equal([
        { field: 'fund.dryPowderKrw', before: 12_000_000_000, after: 8_000_000_000 },
      ]);
      expect(editEntry!.entityLabel).to.equal('Fund House · BIFC 핀테크 1호');

      // Act: remove it.
      const removed = await post(staff, `/investors/${org._id}/funds/${fundId}/delete`, {});
      expect(removed.status).to.equal(302);
      stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.funds.map((f) => f.name)).to.deep.equal(['Global Growth II']);
      const removal = await AuditEntryModel.findOne({
        entityId: org._id,
        'changes.after': null,
        'changes.field': 'fund.name',
      }).lean();
      expect(removal!.changes).to.deep.include({ field: 'fund.name', before: 'BIFC 핀테크 1호', after: null });
      expect(await AuditEntryModel.countDocuments({ entityId: org._id, entity: 'investor' })).to.equal(4);
    });

    it('when a fund form is wrong, then it comes back (422) with each error beside its field and what was typed', async () => {
      const org = await makeInvestorOrg();
      const staff = await loginAs(t.app, 'staff');
      const res = await post(staff, `/investors/${org._id}/funds`, {
        name: '',
        sizeKrw: '10억',
        dryPowderKrw: '20억',
        bifcStartupFund: 'true',
      });
      expect(res.status).to.equal(422);
      expect(fieldBlock(res.text, 'name')).to.match(/class="error"/);
      expect(fieldBlock(res.text, 'dryPowderKrw')).to.contain('Dry powder cannot be more than the fund&#39;s size.');
      expect(fieldBlock(res.text, 'dryPowderKrw')).to.contain('value="20억"');
      expect(fieldBlock(res.text, 'vintage')).to.contain('Enter the vintage date');
      expect(fieldBlock(res.text, 'bifcStartupFund')).to.contain('checked');
      expect((await InvestorOrgModel.findById(org._id).lean())!.funds).to.deep.equal([]);
    });

    it('when a URL names a fund of another investor, then every fund route is a 404 and nothing changes', async () => {
      // Arrange
      const mine = await makeInvestorOrg({ nameEn: 'Mine Capital' });
      const theirs = await makeInvestorOrg({ nameEn: 'Their Capital' });
      await InvestorOrgModel.updateOne(
        { _id: theirs._id },
        { $push: { funds: { name: 'Their Fund', sizeKrw: 1_000_000_000 } } },
      );
      const fundId = String((await InvestorOrgModel.findById(theirs._id).lean())!.funds[0]!._id);
      const before = await InvestorOrgModel.find({}).sort({ _id: 1 }).lean();
      const staff = await loginAs(t.app, 'staff');
      // Act + Assert
      expect((await staff.get(`/investors/${mine._id}/funds/${fundId}/edit`)).status).to.equal(404);
      expect(
        (await post(staff, `/investors/${mine._id}/funds/${fundId}`, { name: 'Taken Over', sizeKrw: '1억' })).status,
      ).to.equal(404);
      expect((await post(staff, `/investors/${mine._id}/funds/${fundId}`, { name: '' })).status).to.equal(404);
      expect((await post(staff, `/investors/${mine._id}/funds/${fundId}/delete`, {})).status).to.equal(404);
      expect((await staff.get(`/investors/0123456789abcdef01234567/funds/new`)).status).to.equal(404);
      expect(await InvestorOrgModel.find({}).sort({ _id: 1 }).lean()).to.deep.equal(before);
      expect(await AuditEntryModel.countDocuments({ entity: 'investor' })).to.equal(0);
    });
  });

  describe('contacts', () => {
    it('when contacts are added, then they show with their role, and those holding an investor login of this organisation are marked', async () => {
      // Arrange: an investor login of this organisation, one of another, and a firm founder already on file.
      const org = await makeInvestorOrg({ nameEn: 'People Ventures' });
      const other = await makeInvestorOrg({ nameEn: 'Elsewhere Ventures' });
      await makeUser({ role: 'investor', email: 'partner@people.example', investorOrg: String(org._id) });
      await makeUser({ role: 'investor', email: 'analyst@people.example', investorOrg: String(other._id) });
      const firm = await makeFirm();
      const founder = await PersonModel.create({
        name: '이서준',
        email: 'seojun@founder.example',
        firms: [{ firm: firm._id, role: 'founder' }],
      });
      const staff = await loginAs(t.app, 'staff');
      // Act
      const a = await post(staff, `/investors/${org._id}/contacts`, {
        name: '김파트너',
        email: 'Partner@People.example',
        investorRole: 'partner',
        title: '대표 파트너',
      });
      const b = await post(staff, `/investors/${org._id}/contacts`, {
        name: 'Analyst Park',
        email: 'analyst@people.example',
        investorRole: 'analyst',
      });
      const c = await post(staff, `/investors/${org._id}/contacts`, {
        name: 'ignored',
        email: 'seojun@founder.example',
        investorRole: 'associate',
      });
      // Assert
      expect([a.status, b.status, c.status]).to.deep.equal([302, 302, 302]);
      expect(a.headers.location).to.equal(`/investors/${org._id}#contacts`);
      // One person per email: the founder is linked, not copied.
      expect(await PersonModel.countDocuments({ email: 'seojun@founder.example' })).to.equal(1);
      expect(await PersonModel.findById(founder._id).lean()).to.deep.include({
        name: '이서준',
        investorRole: 'associate',
      });
      const page = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      const contacts = section(page.text, 'contacts');
      const rowOf = (name: string) =>
        contacts.slice(contacts.indexOf(name), contacts.indexOf('</li>', contacts.indexOf(name)));
      expect(rowOf('김파트너')).to.contain('Partner').and.contain('data-login');
      // The analyst's login belongs to another organisation: no marker here.
      expect(rowOf('Analyst Park')).to.contain('Analyst').and.not.contain('data-login');
      expect(rowOf('이서준')).to.contain('Associate').and.not.contain('data-login');
      const ko = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'ko');
      expect(section(ko.text, 'contacts')).to.contain('투자자 계정').and.contain('파트너');
      const created = await AuditEntryModel.findOne({
        entity: 'person',
        action: 'create',
        entityLabel: '김파트너',
      }).lean();
      expect(created!.changes).to.deep.include({ field: 'investorOrg', before: null, after: 'People Ventures' });
    });

    it("when a contact is edited or unlinked, then only this organisation's contacts are reachable, and the person stays on file", async () => {
      const org = await makeInvestorOrg({ nameEn: 'Edit Ventures' });
      const other = await makeInvestorOrg({ nameEn: 'Other Ventures' });
      const mine = await PersonModel.create({
        name: 'Han',
        email: 'han@edit.example',
        investorOrg: org._id,
        investorRole: 'associate',
      });
      const theirs = await PersonModel.create({
        name: 'Yoon',
        email: 'yoon@other.example',
        investorOrg: other._id,
        investorRole: 'partner',
      });
      const staff = await loginAs(t.app, 'staff');
      // Someone else's contact under this organisation's URL: 404, unchanged.
      expect((await staff.get(`/investors/${org._id}/contacts/${theirs._id}/edit`)).status).to.equal(404);
      expect(
        (await post(staff, `/investors/${org._id}/contacts/${theirs._id}`, { name: 'Hijacked', investorRole: 'other' }))
          .status,
      ).to.equal(404);
      expect((await post(staff, `/investors/${org._id}/contacts/${theirs._id}/unlink`, {})).status).to.equal(404);
      expect(await PersonModel.findById(theirs._id).lean()).to.deep.include({ name: 'Yoon', investorRole: 'partner' });
      // Linking someone who is another organisation's contact is refused beside the email.
      const refused = await post(staff, `/investors/${org._id}/contacts`, {
        name: 'Yoon',
        email: 'yoon@other.example',
        investorRole: 'partner',
      });
      expect(refused.status).to.equal(422);
      expect(fieldBlock(refused.text, 'email')).to.contain('contact of another investor organisation');
      // Edit: promoted.
      const form = loadedForm((await staff.get(`/investors/${org._id}/contacts/${mine._id}/edit`)).text);
      expect(form).to.include({ name: 'Han', investorRole: 'associate' });
      expect(
        (await post(staff, `/investors/${org._id}/contacts/${mine._id}`, { ...form, investorRole: 'principal' }))
          .status,
      ).to.equal(302);
      expect(await PersonModel.findById(mine._id).lean()).to.deep.include({ investorRole: 'principal', __v: 1 });
      const entry = await AuditEntryModel.findOne({ entityId: mine._id, action: 'update' }).lean();
      expect(entry!.changes).to.deep.equal([{ field: 'investorRole', before: 'associate', after: 'principal' }]);
      // Unlink: gone from the page, still on file.
      expect((await post(staff, `/investors/${org._id}/contacts/${mine._id}/unlink`, {})).status).to.equal(302);
      const person = await PersonModel.findById(mine._id).lean();
      expect(person!.investorOrg).to.equal(undefined);
      expect(person!.investorRole).to.equal(undefined);
      expect(section((await staff.get(`/investors/${org._id}`)).text, 'contacts')).to.not.contain('Han');
    });
  });

  describe('matches and last contact', () => {
    it('when the organisation has matches, then its page lists each with its stage and outcome, and the last contact in Seoul time', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Pipeline Partners' });
      const [a, b, c] = [
        await makeFirm({ nameEn: 'Alpha Pay' }),
        await makeFirm({ nameEn: 'Beta Chain' }),
        await makeFirm({ nameEn: 'Gamma Lend' }),
      ];
      const actor = { id: String((await makeUser({ role: 'staff' }))._id), email: 'mover@test.example', name: 'Mover' };
      const m1 = await createMatch({ firmId: String(a._id), investorId: String(org._id) }, actor);
      await moveMatch(m1.id, { to: 'introduced' }, actor);
      await moveMatch(m1.id, { to: 'meeting' }, actor);
      const m2 = await createMatch({ firmId: String(b._id), investorId: String(org._id) }, actor);
      await moveMatch(m2.id, { to: 'passed', reason: 'valuation' }, actor);
      await createMatch({ firmId: String(c._id), investorId: String(org._id) }, actor);
      const lastContactAt = new Date('2026-03-01T15:30:00Z');
      await InvestorOrgModel.updateOne({ _id: org._id }, { $set: { lastContactAt } });
      const staff = await loginAs(t.app, 'staff');
      const page = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en');
      const rows = section(page.text, 'matches');
      expect(rows).to.contain(`href="/matches/${m1.id}"`);
      expect(text(rows)).to.match(/Alpha Pay Meeting .*? In progress/);
      expect(text(rows)).to.match(/Beta Chain Passed .*? Passed: Valuation/);
      expect(text(rows)).to.match(/Gamma Lend Suggested .*? In progress/);
      // 15:30 UTC is 00:30 the next day in Seoul.
      expect(page.text).to.match(
        /class="last-contact"><time datetime="2026-03-01T15:30:00.000Z">2 Mar 2026, 00:30<\/time>/,
      );
      const ko = await staff.get(`/investors/${org._id}`).set('Accept-Language', 'ko');
      expect(text(section(ko.text, 'matches')))
        .to.contain('거절: 기업가치')
        .and.contain('미팅');
    });
  });

  describe('kept records', () => {
    it('when the page is shown again, then its records are one read by _id, the page is the same, and a move, a new contact, a round or a renamed firm shows at once', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Kept Partners' });
      const firm = await makeFirm({ nameEn: 'Kept Pay' });
      const actor = { id: String((await makeUser({ role: 'staff' }))._id), email: 'mover@test.example', name: 'Mover' };
      const m = await createMatch({ firmId: String(firm._id), investorId: String(org._id) }, actor);
      await PersonModel.create({ name: 'Park Partner', email: 'park@kept.example', investorOrg: org._id });
      await makeUser({ role: 'investor', email: 'park@kept.example', investorOrg: String(org._id) });
      const staff = await loginAs(t.app, 'staff');
      const page = async () =>
        (await staff.get(`/investors/${org._id}`).set('Accept-Language', 'en')).text.replace(
          /name="_csrf" value="[^"]+"/g,
          '',
        );
      const fresh = await page();
      expect(text(section(fresh, 'matches'))).to.contain('Kept Pay Suggested');
      const { commands } = await captureCommands(() => staff.get(`/investors/${org._id}`));
      const filtered = ['investororgs', 'fundingrounds', 'people', 'matches', 'firms'];
      expect(commands.filter((c) => filtered.includes(c.collection ?? '')).map((c) => c.collection)).to.deep.equal([]);
      expect(await page(), 'the kept records show the same page').to.equal(fresh);

      await moveMatch(m.id, { to: 'introduced' }, actor);
      expect(text(section(await page(), 'matches'))).to.contain('Kept Pay Introduced');
      await PersonModel.create({ name: 'Yoon Later', email: 'yoon@kept.example', investorOrg: org._id });
      expect(await page()).to.contain('Yoon Later');
      await FundingRoundModel.create({
        firm: firm._id,
        stage: 'seed',
        instrument: 'rcps',
        amountKrw: 400_000_000,
        status: 'closed',
        closedOn: '2026-05-05',
        participants: [{ investor: org._id, amountKrw: 400_000_000, lead: true }],
      });
      expect(await page()).to.contain('₩400M');
      await FirmModel.updateOne({ _id: firm._id }, { $set: { nameEn: 'Renamed Pay' } });
      expect(text(section(await page(), 'matches'))).to.contain('Renamed Pay Introduced');
    });
  });

  describe('CSV', () => {
    it('when investors with theses are exported and imported again, then nothing changes; an edited thesis cell updates just that', async () => {
      // Arrange
      const org = await makeInvestorOrg({ nameKo: '부산벤처스', nameEn: 'Busan Ventures' });
      await makeInvestorOrg({ nameEn: 'Plain Angels', type: 'angel-network' });
      const staff = await loginAs(t.app, 'staff');
      await post(staff, `/investors/${org._id}`, {
        nameKo: '부산벤처스',
        nameEn: 'Busan Ventures',
        type: 'vc',
        bifcBased: 'true',
        ...THESIS,
      });
      await post(staff, `/investors/${org._id}/funds`, { name: 'Not In CSV', sizeKrw: '10억' });
      // Act: export.
      const exported = await download(staff, '/investors/export.csv?format=codes');
      // Assert: the thesis as codes and won.
      expect(exported.status).to.equal(200);
      const records = recordsOf(exported.body);
      expect(Object.keys(records[0] ?? {})).to.deep.equal(INVESTOR_EXPORT_COLUMNS);
      expect(records[0]).to.deep.include({
        nameEn: 'Busan Ventures',
        bifcBased: 'true',
        thesisSectors: 'payments; digital-assets',
        thesisStages: 'seed; pre-a',
        thesisInstruments: 'rcps',
        thesisRegions: 'busan; korea',
        ticketMinKrw: '300000000',
        ticketMaxKrw: '1500000000',
        thesisNotes: '부산 핀테크 초기 기업',
      });
      expect(records[1]).to.deep.include({ nameEn: 'Plain Angels', thesisSectors: '', ticketMinKrw: '' });
      // Act: import it again.
      const again = await upload(staff, 'investors', exported.body);
      expect(again.status).to.equal(200);
      expect(actionsOf(again.text)).to.deep.equal(['unchanged', 'unchanged']);
      // Act: one thesis cell edited.
      const edited = exported.body.toString('utf8').replace('"rcps"', '"rcps; safe"');
      const res = await upload(staff, 'investors', Buffer.from(edited, 'utf8'));
      expect(actionsOf(res.text)).to.deep.equal(['update', 'unchanged']);
      expect(res.text).to.include('<strong>Thesis: instruments</strong>: <del>RCPS</del> → <ins>RCPS, SAFE</ins>');
      const token = await staff.csrf();
      await staff
        .post(/action="(\/firms\/import\/[0-9a-f]{24}\/apply)"/.exec(res.text)![1]!)
        .type('form')
        .send({ _csrf: token });
      const stored = await InvestorOrgModel.findById(org._id).lean();
      expect(stored!.thesis!.instruments).to.deep.equal(['rcps', 'safe']);
      expect(stored!.thesis!.ticketMinKrw).to.equal(300_000_000);
      // Funds are not in the file and stay as they were.
      expect(stored!.funds.map((f) => f.name)).to.deep.equal(['Not In CSV']);
    });

    it('when an imported row has a bad code or its tickets the wrong way round, then the row says so and the upload page says funds are edited on the investor page', async () => {
      const staff = await loginAs(t.app, 'staff');
      const csv =
        'nameEn,type,thesisSectors,ticketMinKrw,ticketMaxKrw\r\nGood Capital,vc,payments; lending,1억,\r\nBad Capital,vc,crypto,,\r\nBackwards Capital,vc,,10억,1억\r\n';
      const res = await upload(staff, 'investors', Buffer.from(csv, 'utf8'));
      // The preview lists the rows with errors first.
      expect(actionsOf(res.text)).to.deep.equal(['error', 'error', 'create']);
      expect(res.text).to.include('The largest ticket cannot be below the smallest.');
      const help = await staff.get('/firms/import').set('Accept-Language', 'en');
      expect(help.text)
        .to.include('Funds are not part of this flat file')
        .and.include('<code>thesisSectors</code>')
        .and.include('/investors/export.csv');
    });
  });
});
