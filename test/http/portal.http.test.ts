import { expect } from 'chai';
import { Types } from 'mongoose';
import { useTestApp, loginAs, formBody, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { snapshotDatabase } from '../helpers/route-fixtures.js';
import { listRoutes } from '../helpers/routes.js';
import { captureCommands } from '../helpers/commands.js';
import { loadedForm, clashRow } from '../helpers/edit-form.js';
import { FirmModel } from '../../models/firm.model.js';
import { PersonModel } from '../../models/person.model.js';
import { NoteModel } from '../../models/note.model.js';
import { MatchModel } from '../../models/match.model.js';
import { NotificationModel } from '../../models/notification.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { createMatch, moveMatch } from '../../server/matches/matches.service.js';
import type { NotificationKind } from '../../models/enums.js';
import { PORTAL_PAGE_SIZE } from '../../server/portal/portal.service.js';
import { ComputedModel, invalidateComputed } from '../../models/computed.model.js';
import { packFigure } from '../../server/lib/computed.service.js';

const STAFF_NOTE = 'STAFF ONLY: the founders argue about the valuation';
const EMAILS = {
  founder: 'kim@founder.example',
  cto: 'lee@cto.example',
  employee: 'choi@employee.example',
  contact: 'park@contact.example',
};

type World = Awaited<ReturnType<typeof world>>;

// Two investor organisations and four firms: shared with every investor, with A only, with nobody, and archived (though
// shared with all and with A). The firm shared with all has a team, a chosen contact, a staff note, and B's match.
async function world() {
  const staff = await makeUser({ role: 'staff', name: 'Staff Member' });
  const orgA = await makeInvestorOrg({ nameEn: 'Alpha Ventures', nameKo: '알파벤처스' });
  const orgB = await makeInvestorOrg({ nameEn: 'Beta Capital', nameKo: '베타캐피탈' });
  const withAll = await makeFirm({
    nameEn: 'Open Pay',
    nameKo: '오픈페이',
    pitch: 'QR payments for Busan merchants',
    headcount: 12,
  });
  const onlyA = await makeFirm({ nameEn: 'Alpha Only Ledger', nameKo: '알파전용원장' });
  const nobody = await makeFirm({ nameEn: 'Hidden Custody', nameKo: '비공개커스터디' });
  const archived = await makeFirm({ nameEn: 'Old Archived Pay', nameKo: '보관된페이' });
  await FirmModel.updateOne(
    { _id: withAll._id },
    {
      $set: {
        'fundraising.openToInvestors': true,
        'fundraising.raising': true,
        'fundraising.targetKrw': 1_500_000_000,
        'fundraising.stage': 'series-a',
        'fundraising.instrument': 'rcps',
        'totals.raisedKrw': 300_000_000,
        'sharing.summaryKo': '오픈페이는 부산 상점의 QR 결제를 운영합니다.',
        'sharing.summaryEn': 'Open Pay runs QR payments for Busan merchants.',
      },
    },
  );
  await FirmModel.updateOne(
    { _id: onlyA._id },
    { $set: { 'sharing.orgs': [orgA._id], 'sharing.summaryKo': '알파에게만 보여 주는 요약' } },
  );
  await FirmModel.updateOne(
    { _id: archived._id },
    { $set: { archived: true, 'fundraising.openToInvestors': true, 'sharing.orgs': [orgA._id] } },
  );
  const link = (role: string) => [{ firm: withAll._id, role }];
  await PersonModel.create([
    { name: 'Kim Founder', email: EMAILS.founder, phone: '010-1111-2222', firms: link('founder') },
    { name: 'Lee Tech', email: EMAILS.cto, firms: link('cto') },
    { name: 'Choi Employee', email: EMAILS.employee, firms: link('employee') },
  ]);
  const contact = await PersonModel.create({
    name: 'Park Contact',
    title: 'IR manager',
    email: EMAILS.contact,
    firms: link('contact'),
  });
  await FirmModel.updateOne({ _id: withAll._id }, { $set: { contactPerson: contact._id } });
  await NoteModel.create({ firm: withAll._id, body: STAFF_NOTE, by: staff._id, byEmail: staff.email });
  await createMatch(
    { firmId: String(withAll._id), investorId: String(orgB._id), nextStep: 'Beta wants the cap table' },
    { id: String(staff._id), email: staff.email, name: staff.name },
  );
  const ids = {
    withAll: String(withAll._id),
    onlyA: String(onlyA._id),
    nobody: String(nobody._id),
    archived: String(archived._id),
  };
  return { staff, orgA: String(orgA._id), orgB: String(orgB._id), ids };
}

const investorOf = (app: Parameters<typeof loginAs>[0], org: string) => loginAs(app, 'investor', { investorOrg: org });

async function post(agent: Agent, path: string, body: Record<string, unknown> = {}, lang = 'ko') {
  const token = await agent.csrf();
  return agent
    .post(path)
    .set('Accept-Language', lang)
    .type('form')
    .send(formBody({ ...body, _csrf: token }));
}

const page = (agent: Agent, path: string, lang = 'ko') =>
  agent.get(path).set('Accept', 'text/html').set('Accept-Language', lang);
const listedFirmIds = (html: string) =>
  [...new Set([...html.matchAll(/href="\/portal\/firms\/([0-9a-f]{24})"/g)].map((m) => m[1]))].sort();
// The firms an organisation's portal lists, on both of its lists.
const seenBy = async (agent: Agent) =>
  [
    ...new Set([
      ...listedFirmIds((await page(agent, '/portal?list=shared')).text),
      ...listedFirmIds((await page(agent, '/portal?list=open')).text),
    ]),
  ].sort();
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('investor portal', () => {
  const t = useTestApp();
  let w: World;
  let investorA: Agent;
  let investorB: Agent;

  beforeEach(async () => {
    w = await world();
    investorA = await investorOf(t.app, w.orgA);
    investorB = await investorOf(t.app, w.orgB);
  });

  describe('which firms an organisation sees', () => {
    it('when investors of A and B open the portal, then A sees exactly the firms shared with all and with A, B only those shared with all', async () => {
      expect(await seenBy(investorA)).to.deep.equal([w.ids.withAll, w.ids.onlyA].sort());
      expect(await seenBy(investorB)).to.deep.equal([w.ids.withAll]);
      // A's page opens on the firm chosen for it, and names both lists with their counts; B has none chosen for it.
      const a = await page(investorA, '/portal', 'en');
      expect(a.status).to.equal(200);
      expect(listedFirmIds(a.text)).to.deep.equal([w.ids.onlyA]);
      expect(text(a.text)).to.contain('Shared with your organisation 1').and.contain('Open to all investors 1');
      expect(a.text).to.contain('Alpha Only Ledger');
      expect(a.text).to.not.contain('Hidden Custody').and.not.contain('Old Archived Pay');
      const b = await page(investorB, '/portal', 'en');
      expect(listedFirmIds(b.text)).to.deep.equal([w.ids.withAll]);
      expect(text(b.text)).to.contain('Shared with your organisation 0');
      expect(b.text).to.contain('Open Pay');
      expect((await page(investorB, '/portal?list=shared', 'en')).text).to.contain(
        'No startups are shared with your organisation by name yet.',
      );
      expect(b.text).to.not.contain('Alpha Only Ledger');
    });

    it('when an investor signs in, then its home is its deal flow, not the incubator’s own figures', async () => {
      const home = await page(investorA, '/', 'en');
      expect(home.status).to.equal(302);
      expect(home.headers.location).to.equal('/portal');
      const staffHome = await page(await loginAs(t.app, 'staff'), '/', 'en');
      expect(staffHome.status).to.equal(200);
      expect(text(staffHome.text)).to.contain('Browse startups');
    });

    it('when the home page lists the shared firms, then its queries are index-shaped (no $or), and once the firms shared by name are known it finds them by _id', async () => {
      const firmFinds = async (list: string) => {
        const { commands } = await captureCommands(() => page(investorA, `/portal?list=${list}`));
        return commands.filter((c) => c.name === 'find' && c.collection === 'firms').map((c) => c.filter ?? {});
      };
      const indexes = FirmModel.schema.indexes().map(([keys]) => Object.keys(keys));
      const first = [...(await firmFinds('shared')), ...(await firmFinds('open'))];
      const filters = first.filter((f) => !('_id' in f));
      expect(JSON.stringify(first)).to.not.contain('$or');
      expect(filters).to.deep.include({ archived: false, 'fundraising.openToInvestors': true });
      // Which firms are shared with A by name is found once ({sharing.orgs}), then kept (a computed figure).
      expect(filters.map((f) => Object.keys(f).join())).to.include('sharing.orgs');
      for (const f of filters) {
        const fields = Object.keys(f);
        expect(
          indexes.some((keys) => fields.every((field, i) => keys[i] === field)),
          `an index starting with ${fields.join(', ')}`,
        ).to.equal(true);
      }
      // Read again, each page is kept whole (a computed figure): no firm is read at all.
      expect(await firmFinds('shared')).to.deep.equal([]);
      expect(await firmFinds('open')).to.deep.equal([]);
      // After a match moves (the pages are stale, which firms are shared with A is not), by _id only: the page of firms
      // shared by name, and those of A's conversations not on this page.
      await invalidateComputed('matches');
      const shared = await firmFinds('shared');
      expect(shared.filter((f) => !('_id' in f))).to.deep.equal([]);
      expect(shared).to.have.length(2);
      expect((await firmFinds('open')).filter((f) => !('_id' in f))).to.deep.equal([
        { archived: false, 'fundraising.openToInvestors': true },
      ]);
    });

    it('when staff share a firm with A or stop, then A’s home page shows the change at once', async () => {
      const staff = await loginAs(t.app, 'staff');
      expect(await seenBy(investorA)).to.not.include(w.ids.nobody);
      await post(staff, `/firms/${w.ids.nobody}/sharing`, {
        ...loadedForm((await page(staff, `/firms/${w.ids.nobody}/sharing`)).text),
        orgs: [w.orgA],
      });
      expect(await seenBy(investorA)).to.include(w.ids.nobody);
      await post(staff, `/firms/${w.ids.nobody}/sharing`, {
        ...loadedForm((await page(staff, `/firms/${w.ids.nobody}/sharing`)).text),
        orgs: [],
      });
      expect(await seenBy(investorA)).to.not.include(w.ids.nobody);
    });

    it('when more firms are open to every investor than a page holds, then the pages walk through each once, by name, with the total', async () => {
      const extra = PORTAL_PAGE_SIZE + 3;
      for (let i = 0; i < extra; i += 1) {
        await makeFirm({ nameEn: `Open Firm ${String(i).padStart(2, '0')}` });
      }
      await FirmModel.updateMany({ nameEn: /^Open Firm / }, { $set: { 'fundraising.openToInvestors': true } });
      const first = await page(investorB, '/portal?list=open', 'en');
      const total = extra + 1; // and the firm the world shares with all
      expect(text(first.text)).to.contain(`Open to all investors ${total}`);
      const next = /href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
      const second = await page(investorB, next, 'en');
      expect(/rel="next"/.test(second.text)).to.equal(false);
      const names = (html: string) =>
        [...html.matchAll(/<h3><a href="\/portal\/firms\/[0-9a-f]{24}">([^<]+)<\/a>/g)].map((m) => m[1]!);
      const all = [...names(first.text), ...names(second.text)];
      expect(names(first.text)).to.have.length(PORTAL_PAGE_SIZE);
      expect(all).to.have.length(total);
      expect(new Set(all).size).to.equal(total);
      expect(all.filter((n) => n.startsWith('Open Firm'))).to.deep.equal(
        Array.from({ length: extra }, (_, i) => `Open Firm ${String(i).padStart(2, '0')}`),
      );
      const back = /href="([^"]+)" rel="prev"/.exec(second.text)![1]!.replace(/&amp;/g, '&');
      expect(names((await page(investorB, back, 'en')).text)).to.deep.equal(names(first.text));
    });

    it('when more firms are shared with A by name than a page holds, then its list pages through each once, by name in the page language', async () => {
      const extra = PORTAL_PAGE_SIZE + 2;
      for (let i = 0; i < extra; i += 1) {
        await makeFirm({
          nameEn: `Chosen ${String(i).padStart(2, '0')}`,
          nameKo: `선정 ${String(extra - i).padStart(2, '0')}`,
        });
      }
      await FirmModel.updateMany({ nameEn: /^Chosen / }, { $set: { 'sharing.orgs': [w.orgA] } });
      const names = (html: string) =>
        [...html.matchAll(/<h3><a href="\/portal\/firms\/[0-9a-f]{24}">([^<]+)<\/a>/g)].map((m) => m[1]!);
      for (const [lang, expected] of [
        ['en', Array.from({ length: extra }, (_, i) => `Chosen ${String(i).padStart(2, '0')}`)],
        ['ko', Array.from({ length: extra }, (_, i) => `선정 ${String(i + 1).padStart(2, '0')}`)],
      ] as const) {
        const first = await page(investorA, '/portal', lang);
        const next = /href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
        expect(next).to.contain('list=shared');
        const second = await page(investorA, next, lang);
        expect(/rel="next"/.test(second.text)).to.equal(false);
        const all = [...names(first.text), ...names(second.text)];
        expect(names(first.text)).to.have.length(PORTAL_PAGE_SIZE);
        expect(all).to.have.length(extra + 1); // and A's firm of the world
        expect(all.filter((n) => /^(Chosen|선정) /.test(n))).to.deep.equal(expected);
        const back = /href="([^"]+)" rel="prev"/.exec(second.text)![1]!.replace(/&amp;/g, '&');
        expect(names((await page(investorA, back, lang)).text)).to.deep.equal(names(first.text));
      }
      // An archived firm leaves the list and its count at once.
      await FirmModel.updateOne({ nameEn: 'Chosen 00' }, { $set: { archived: true } });
      const after = await page(investorA, '/portal', 'en');
      expect(text(after.text)).to.contain(`Shared with your organisation ${extra}`); // extra + Alpha Only Ledger - 1
      expect(names(after.text)).to.not.include('Chosen 00');
    });

    it('when the firms shared with A were kept by an earlier version in another shape, then the page finds them again', async () => {
      expect(await seenBy(investorA)).to.include(w.ids.onlyA);
      // The shape the list was kept in before it carried sort names: the firms' ids alone, at the current generation.
      const gen = (await ComputedModel.findById('firms').lean())?.gen ?? 0;
      await ComputedModel.updateOne(
        { _id: `firms:shared-with:${w.orgA}` },
        { $set: { source: 'firms', gen, packed: packFigure([w.ids.onlyA]) } },
        { upsert: true },
      );
      const a = await page(investorA, '/portal?list=shared', 'en');
      expect(listedFirmIds(a.text)).to.deep.equal([w.ids.onlyA]);
      expect(a.text).to.contain('Alpha Only Ledger');
    });

    it("when A opens the portal, then its own matches show with their stage; B's match on the same firm does not", async () => {
      await post(investorA, `/portal/firms/${w.ids.onlyA}/intro-request`);
      const res = await page(investorA, '/portal', 'en');
      expect(text(res.text)).to.contain('Intro requested');
      expect(res.text).to.not.contain('Beta Capital').and.not.contain('베타캐피탈');
      // B's match on the firm shared with all is B's alone.
      expect(text((await page(investorB, '/portal', 'en')).text)).to.contain('Suggested');
      expect(text(res.text)).to.not.contain('Suggested');
    });
  });

  describe('kept pages', () => {
    it('when the portal is opened again, then it is one read by _id, the same page, and a firm shared or unshared since shows at once', async () => {
      const home = async () =>
        (await page(investorA, '/portal?list=shared', 'en')).text.replace(/name="_csrf" value="[^"]+"/g, '');
      const fresh = await home();
      const { commands } = await captureCommands(() => page(investorA, '/portal?list=shared', 'en'));
      expect(
        commands.filter((c) => !['sessions', 'users'].includes(c.collection ?? '')).map((c) => c.collection),
      ).to.deep.equal(['computed']);
      expect(await home(), 'the kept page shows the same').to.equal(fresh);
      expect(listedFirmIds(fresh)).to.deep.equal([w.ids.onlyA]);

      await FirmModel.updateOne({ _id: w.ids.nobody }, { $set: { 'sharing.orgs': [w.orgA] } });
      expect(listedFirmIds(await home())).to.deep.equal([w.ids.onlyA, w.ids.nobody].sort());
      await FirmModel.updateOne({ _id: w.ids.onlyA }, { $set: { 'sharing.orgs': [] } });
      expect(listedFirmIds(await home())).to.deep.equal([w.ids.nobody]);
    });
  });

  describe('a firm the organisation may not see is a 404 on every portal route', () => {
    const routes: { method: 'get' | 'post'; path: (id: string) => string; body?: Record<string, string> }[] = [
      { method: 'get', path: (id) => `/portal/firms/${id}` },
      { method: 'get', path: (id) => `/portal/firms/${id}/pass` },
      { method: 'post', path: (id) => `/portal/firms/${id}/interest` },
      { method: 'post', path: (id) => `/portal/firms/${id}/intro-request` },
      { method: 'post', path: (id) => `/portal/firms/${id}/pass`, body: { reason: 'timing', reasonText: 'not now' } },
      // Without a reason too: the firm is checked before the form is.
      { method: 'post', path: (id) => `/portal/firms/${id}/pass` },
    ];
    const cases: { what: string; who: 'A' | 'B'; firm: keyof World['ids'] | 'unknown' }[] = [
      { what: "another organisation's firm", who: 'B', firm: 'onlyA' },
      { what: 'a firm shared with nobody', who: 'A', firm: 'nobody' },
      { what: 'an archived firm shared with A', who: 'A', firm: 'archived' },
      { what: 'an id that names no firm', who: 'A', firm: 'unknown' },
    ];
    for (const c of cases) {
      it(`when investor ${c.who} names ${c.what}, then every portal route answers 404 and nothing changes`, async () => {
        const agent = c.who === 'A' ? investorA : investorB;
        const id = c.firm === 'unknown' ? String(new Types.ObjectId()) : w.ids[c.firm];
        const before = await snapshotDatabase();
        for (const r of routes) {
          const res = r.method === 'get' ? await page(agent, r.path(id)) : await post(agent, r.path(id), r.body);
          expect(res.status, `${r.method} ${r.path(id)}`).to.equal(404);
          expect(res.text)
            .to.not.contain('Alpha Only Ledger')
            .and.not.contain('Hidden Custody')
            .and.not.contain('Old Archived Pay');
        }
        expect(await snapshotDatabase()).to.equal(before);
      });
    }
  });

  describe('the profile', () => {
    it("shows the summary, pitch, sector, stage, fundraising, team and the chosen contact; never staff notes, other investors or other people's emails", async () => {
      const res = await page(investorA, `/portal/firms/${w.ids.withAll}`, 'en');
      expect(res.status).to.equal(200);
      const shown = text(res.text);
      expect(shown)
        .to.contain('Open Pay runs QR payments for Busan merchants.')
        .and.contain('QR payments for Busan merchants');
      expect(shown).to.contain('Payments').and.contain('Series A').and.contain('RCPS');
      expect(shown).to.contain('₩1.5B').and.contain('₩300M').and.contain('12');
      expect(shown).to.contain('Kim Founder').and.contain('Lee Tech').and.contain('Founder').and.contain('CTO');
      expect(shown).to.contain('Park Contact').and.contain('IR manager').and.contain(EMAILS.contact);
      for (const hidden of [
        STAFF_NOTE,
        'Beta Capital',
        '베타캐피탈',
        'Beta wants the cap table',
        EMAILS.founder,
        EMAILS.cto,
        EMAILS.employee,
        'Choi Employee',
        '010-1111-2222',
        w.staff.email,
        'Staff Member',
        w.orgB,
      ]) {
        expect(res.text, hidden).to.not.contain(hidden);
      }
    });

    it("shows the summary in the page's language, and the other language's when there is none", async () => {
      expect(text((await page(investorA, `/portal/firms/${w.ids.withAll}`, 'ko')).text)).to.contain(
        '오픈페이는 부산 상점의 QR 결제를 운영합니다.',
      );
      expect(text((await page(investorA, `/portal/firms/${w.ids.onlyA}`, 'en')).text)).to.contain(
        '알파에게만 보여 주는 요약',
      );
    });
  });

  describe('answering', () => {
    const matchOfA = () => MatchModel.findOne({ firm: w.ids.withAll, investor: w.orgA }).lean();
    const notices = (kind: NotificationKind) =>
      NotificationModel.find({ kind, firm: w.ids.withAll, investor: w.orgA }).lean();

    it("when A says it is interested, then its match is created, staff are notified, and the profile confirms in the user's language", async () => {
      const res = await post(investorA, `/portal/firms/${w.ids.withAll}/interest`, {}, 'en');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/portal/firms/${w.ids.withAll}`);
      const match = await matchOfA();
      expect(match!.stage).to.equal('suggested');
      expect(match!.interestAt).to.be.instanceOf(Date);
      const sent = await notices('interest');
      expect(sent.map((n) => String(n.user))).to.include(String(w.staff._id));
      const html = (await page(investorA, res.headers.location!, 'en')).text;
      const profile = text(html);
      expect(profile).to.contain('the TIPS Town team now knows your organisation is interested');
      // Its status is its answer, not the staff word for a suggestion; interest is not offered again, an introduction is.
      expect(profile).to.contain("Your organisation's status: Interested").and.not.contain('Suggested');
      expect(html).to.not.contain(`action="/portal/firms/${w.ids.withAll}/interest"`);
      expect(html).to.contain(`action="/portal/firms/${w.ids.withAll}/intro-request"`);
      // The answer left is the page's main button.
      expect(html).to.match(/\/intro-request">\s*<input[^>]*>\s*<button type="submit" class="primary">/);
      expect(text((await page(investorA, '/portal', 'en')).text)).to.contain('Open Pay Interested since');
      expect(text((await page(investorA, '/portal?list=open', 'en')).text)).to.contain('You: Interested');
      // Staff see it on the card of the board, and in the match's history of changes.
      const board = text((await page(await loginAs(t.app, 'staff'), '/matches', 'en')).text);
      expect(board).to.contain('Investor interested');
      const audit = await AuditEntryModel.find({
        entity: 'match',
        entityId: match!._id,
        'changes.field': 'interestAt',
      });
      expect(audit).to.have.length(1);
    });

    it('when A says it is interested twice, then the second answer changes nothing and tells no one again', async () => {
      await post(investorA, `/portal/firms/${w.ids.withAll}/interest`, {}, 'en');
      const first = (await matchOfA())!.interestAt;
      const again = await post(investorA, `/portal/firms/${w.ids.withAll}/interest`, {}, 'en');
      expect(again.status).to.equal(302);
      expect(text((await page(investorA, again.headers.location!, 'en')).text)).to.contain(
        'Your organisation had already given this answer',
      );
      expect((await matchOfA())!.interestAt).to.deep.equal(first);
      expect(await notices('interest')).to.have.length(1);
      expect(await AuditEntryModel.countDocuments({ entity: 'match', 'changes.field': 'interestAt' })).to.equal(1);
    });

    it('when talks are past an introduction, then the profile offers no first-contact answers, only a pass', async () => {
      await post(investorA, `/portal/firms/${w.ids.withAll}/interest`);
      const id = String((await matchOfA())!._id);
      const actor = { id: String(w.staff._id), email: w.staff.email, name: w.staff.name };
      for (const to of ['introduced', 'meeting', 'due-diligence', 'term-sheet'] as const)
        await moveMatch(id, { to }, actor);
      const html = (await page(investorA, `/portal/firms/${w.ids.withAll}`, 'en')).text;
      expect(text(html)).to.contain("Your organisation's status: Term sheet");
      expect(html).to.not.contain('/interest"').and.not.contain('/intro-request"');
      expect(text(html)).to.contain('is in talks with your organisation about this startup');
      expect(html).to.contain(`action="/portal/firms/${w.ids.withAll}/pass"`);
      // An answer sent anyway (an old tab) moves nothing back and tells no one.
      await post(investorA, `/portal/firms/${w.ids.withAll}/intro-request`);
      expect((await matchOfA())!.stage).to.equal('term-sheet');
      expect(await notices('intro-request')).to.have.length(0);
    });

    it('when a passed match is reopened, then the interest of the last round of talks is not carried over', async () => {
      await post(investorA, `/portal/firms/${w.ids.withAll}/interest`);
      await post(investorA, `/portal/firms/${w.ids.withAll}/pass`, { reason: 'timing' });
      await createMatch(
        { firmId: w.ids.withAll, investorId: w.orgA },
        { id: String(w.staff._id), email: w.staff.email, name: w.staff.name },
      );
      const reopened = await matchOfA();
      expect(reopened).to.include({ stage: 'suggested', open: true, cycle: 2 });
      expect(reopened!.interestAt).to.equal(undefined);
      const html = (await page(investorA, `/portal/firms/${w.ids.withAll}`, 'en')).text;
      expect(html).to.contain(`action="/portal/firms/${w.ids.withAll}/interest"`);
    });

    it('when A requests an introduction, then its match moves to "intro requested" and staff are notified', async () => {
      await post(investorA, `/portal/firms/${w.ids.withAll}/interest`);
      const res = await post(investorA, `/portal/firms/${w.ids.withAll}/intro-request`);
      expect(res.status).to.equal(302);
      const match = await matchOfA();
      expect(match!.stage).to.equal('intro-requested');
      expect(match!.history.map((h) => h.stage)).to.deep.equal(['suggested', 'intro-requested']);
      expect(await notices('intro-request')).to.have.length.greaterThan(0);
      expect(text((await page(investorA, res.headers.location!)).text)).to.contain('소개 자리를 마련해 드리겠습니다');
      // B's match on the same firm did not move.
      expect((await MatchModel.findOne({ firm: w.ids.withAll, investor: w.orgB }).lean())!.stage).to.equal('suggested');
    });

    it('when A passes with a reason, then its match is closed as passed with the reason and staff are notified', async () => {
      const res = await post(investorA, `/portal/firms/${w.ids.onlyA}/pass`, {
        reason: 'ticket-size',
        reasonText: 'Too small for our fund',
      });
      expect(res.status).to.equal(302);
      const match = await MatchModel.findOne({ firm: w.ids.onlyA, investor: w.orgA }).lean();
      expect(match).to.include({ stage: 'passed', open: false });
      expect(match!.history.at(-1)).to.include({
        stage: 'passed',
        reason: 'ticket-size',
        reasonText: 'Too small for our fund',
      });
      expect(
        await NotificationModel.countDocuments({ kind: 'pass', firm: w.ids.onlyA, investor: w.orgA }),
      ).to.be.greaterThan(0);
    });

    it('when A passes without a reason, then the profile comes back (422) with the error beside the reason and what was typed, and nothing changes', async () => {
      const before = await snapshotDatabase();
      const ko = await post(investorA, `/portal/firms/${w.ids.withAll}/pass`, {
        reason: '',
        reasonText: '다음 기회에',
      });
      expect(ko.status).to.equal(422);
      expect(ko.text).to.match(/id="f-reason-err">검토하지 않는 사유를 선택하세요\./);
      expect(ko.text).to.contain('다음 기회에');
      const en = await post(investorA, `/portal/firms/${w.ids.withAll}/pass`, {}, 'en');
      expect(en.status).to.equal(422);
      expect(en.text).to.contain('Choose why you are passing.');
      expect(await snapshotDatabase()).to.equal(before);
    });
  });

  describe('roles', () => {
    it('when an investor opens a staff page, then it is refused (403)', async () => {
      const existing = new Set(
        listRoutes(t.app)
          .filter((r) => r.method === 'GET')
          .map((r) => r.path),
      );
      for (const path of [
        '/firms',
        `/firms/${w.ids.withAll}`,
        `/firms/${w.ids.withAll}/sharing`,
        '/investors',
        `/investors/${w.orgA}`,
        '/matches',
        '/audit',
        '/admin/users',
      ]) {
        const res = await page(investorA, path);
        // /matches is the staff deal-flow board: refused when it exists, and there is no page at all before it does.
        const expected = existing.has(path.replace(/[0-9a-f]{24}/, ':id')) ? 403 : 404;
        expect(res.status, path).to.equal(expected);
        expect(res.text, path).to.not.contain(STAFF_NOTE);
      }
    });

    it('when staff, admins or viewers open the portal, then it is refused (403)', async () => {
      for (const role of ['staff', 'admin', 'viewer'] as const) {
        const agent = await loginAs(t.app, role);
        expect((await page(agent, '/portal')).status, role).to.equal(403);
        expect((await page(agent, `/portal/firms/${w.ids.withAll}`)).status, role).to.equal(403);
      }
    });
  });

  describe('staff share a firm', () => {
    it('when staff share a firm with A from the firm page, then A sees it, B does not, and the audit entry names the organisation', async () => {
      const staff = await loginAs(t.app, 'staff');
      const firmPage = await page(staff, `/firms/${w.ids.nobody}`, 'en');
      const panel = () => /id="sharing"[\s\S]*?<\/section>/;
      expect(panel().exec(firmPage.text)![0])
        .to.contain('Not shared with investors.')
        .and.contain(`href="/firms/${w.ids.nobody}/sharing"`);
      // The form, with every organisation to choose from, is on its own page.
      const form = await page(staff, `/firms/${w.ids.nobody}/sharing`, 'en');
      expect(form.text).to.contain('Alpha Ventures').and.contain('Beta Capital');
      const res = await post(staff, `/firms/${w.ids.nobody}/sharing`, {
        ...loadedForm(form.text),
        orgs: [w.orgA],
        summaryKo: '비공개 커스터디 소개',
        summaryEn: 'Custody for digital assets',
      });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/firms/${w.ids.nobody}#sharing`);
      // Back on the firm page: shared with A, by name, with the summary.
      const shared = panel().exec((await page(staff, `/firms/${w.ids.nobody}`, 'en')).text)![0];
      expect(shared).to.contain('Shared with 1 chosen organisations now.').and.contain('Alpha Ventures');
      expect(shared).to.contain('Custody for digital assets').and.not.contain('Beta Capital');

      expect(await seenBy(investorA)).to.include(w.ids.nobody);
      expect(text((await page(investorA, `/portal/firms/${w.ids.nobody}`, 'en')).text)).to.contain(
        'Custody for digital assets',
      );
      expect(await seenBy(investorB)).to.not.include(w.ids.nobody);
      expect((await page(investorB, `/portal/firms/${w.ids.nobody}`)).status).to.equal(404);

      const entry = await AuditEntryModel.findOne({ entity: 'firm', entityId: w.ids.nobody, action: 'update' }).lean();
      expect(entry, 'audit entry').to.not.equal(null);
      const changes = Object.fromEntries(entry!.changes.map((c) => [c.field, c.after]));
      expect(changes).to.deep.include({
        'sharing.orgs': ['알파벤처스'],
        'sharing.summaryEn': 'Custody for digital assets',
      });
      expect(entry!.version).to.equal((await FirmModel.findById(w.ids.nobody).lean())!.__v);
    });

    it('when staff share with every investor, then both organisations see the firm', async () => {
      const staff = await loginAs(t.app, 'staff');
      await post(staff, `/firms/${w.ids.nobody}/sharing`, { openToInvestors: 'true' });
      expect(await seenBy(investorA)).to.include(w.ids.nobody);
      expect(await seenBy(investorB)).to.include(w.ids.nobody);
    });

    it('when the form names an organisation that does not exist, then it comes back (422) with the error and nothing is saved', async () => {
      const staff = await loginAs(t.app, 'staff');
      const before = await snapshotDatabase();
      const res = await post(staff, `/firms/${w.ids.nobody}/sharing`, { orgs: [String(new Types.ObjectId())] }, 'en');
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Choose organisations from the list.');
      expect(await snapshotDatabase()).to.equal(before);
    });

    it('when two staff members change the same summary, then the later save comes back (409) with the clash; a different field is merged', async () => {
      const first = await loginAs(t.app, 'staff');
      const second = await loginAs(t.app, 'staff');
      const loaded = loadedForm((await page(first, `/firms/${w.ids.withAll}/sharing`)).text);
      const other = loadedForm((await page(second, `/firms/${w.ids.withAll}/sharing`)).text);
      expect(
        (await post(second, `/firms/${w.ids.withAll}/sharing`, { ...other, summaryEn: 'Their summary' })).status,
      ).to.equal(302);
      const clash = await post(first, `/firms/${w.ids.withAll}/sharing`, { ...loaded, summaryEn: 'My summary' }, 'en');
      expect(clash.status).to.equal(409);
      expect(clashRow(clash.text, 'summaryEn')).to.contain('Their summary').and.contain('My summary');
      const merged = await post(first, `/firms/${w.ids.withAll}/sharing`, { ...loaded, orgs: [w.orgB] });
      expect(merged.status).to.equal(302);
      const stored = await FirmModel.findById(w.ids.withAll).lean();
      expect(stored!.sharing!.summaryEn).to.equal('Their summary');
      expect(stored!.sharing!.orgs.map(String)).to.deep.equal([w.orgB]);
    });
  });
});
