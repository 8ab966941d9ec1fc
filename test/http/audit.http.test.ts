import { expect } from 'chai';
import { Types } from 'mongoose';
import { useTestApp, agentOf, loginAs } from '../helpers/app.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { appendAuditEntries, historyOf, historyOfFirm, seoulDayStart, seoulDayEnd } from '../../server/audit/index.js';
import type { Role } from '../../models/enums.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { captureCommands } from '../helpers/commands.js';

const entryIds = (html: string) => [...html.matchAll(/data-entry="([0-9a-f]{24})"/g)].map((m) => m[1]!);
// A page link of the pager (views/partials/pager.ejs), whatever the order of its attributes.
const pageHref = (html: string, rel: 'next' | 'prev') => {
  const tag = new RegExp(`<a [^>]*rel="${rel}"[^>]*>`).exec(html)?.[0];
  return tag ? /href="([^"]+)"/.exec(tag)![1]!.replace(/&amp;/g, '&') : undefined;
};
const nextHref = (html: string) => pageHref(html, 'next');

type Seed = Partial<{
  at: Date;
  entity: string;
  action: string;
  actorEmail: string;
  entityId: Types.ObjectId;
  entityLabel: string;
  firm: Types.ObjectId;
  changes: unknown[];
}>;

// Entries with chosen times, through the bulk append (the flat log and the views the pages read); the app itself appends
// one at a time through recordAudit.
async function seedEntries(rows: Seed[]) {
  const before = new Set((await AuditEntryModel.find({}, { _id: 1 }).lean()).map((d) => String(d._id)));
  await appendAuditEntries(
    rows.map((r) => ({
      at: r.at ?? new Date(),
      actor:
        r.actorEmail === 'system'
          ? null
          : { id: String(new Types.ObjectId()), email: r.actorEmail ?? 'staff@test.example' },
      entity: (r.entity ?? 'firm') as 'firm',
      entityId: r.entityId ?? new Types.ObjectId(),
      entityLabel: r.entityLabel ?? 'Some record',
      action: (r.action ?? 'update') as 'update',
      changes: (r.changes ?? []) as { field: string; before: unknown; after: unknown }[],
      firm: r.firm,
    })),
  );
  // In the order given (insertMany keeps it; ids grow).
  const all = await AuditEntryModel.find({}, { _id: 1 }).sort({ _id: 1 }).lean();
  return all.map((d) => String(d._id)).filter((id) => !before.has(id));
}

describe('audit log', () => {
  const t = useTestApp();

  describe('who may read it', () => {
    for (const who of ['staff', 'investor', 'viewer'] as Role[]) {
      it(`when ${who} opens /audit, then it is forbidden (403)`, async () => {
        const agent = await loginAs(t.app, who);
        expect((await agent.get('/audit')).status).to.equal(403);
      });
    }

    it('when an anonymous visitor opens /audit, then they are sent to /login', async () => {
      const res = await agentOf(t.app).get('/audit');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/login');
    });

    it('when an admin opens /audit, then the log shows, and there is no way to edit or delete entries', async () => {
      const [id] = await seedEntries([{ entityLabel: 'Visible Firm' }]);
      const admin = await loginAs(t.app, 'admin');
      const res = await admin.get('/audit');
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('Visible Firm');
      expect(res.text).to.not.match(/<form method="post"[^>]*action="\/audit/);
      const token = await admin.csrf();
      expect((await admin.post('/audit').type('form').send({ _csrf: token })).status).to.equal(404);
      expect((await admin.post(`/audit/${id}`).type('form').send({ _csrf: token })).status).to.equal(404);
      expect(await AuditEntryModel.countDocuments({ action: { $ne: 'login' } })).to.equal(1);
    });
  });

  describe('browsing', () => {
    it('when an investor is created through the app, then the log shows who did what with the field changes', async () => {
      const staff = await loginAs(t.app, 'staff');
      const token = await staff.csrf();
      await staff.post('/investors').type('form').send({ _csrf: token, nameEn: 'Logged <Capital>', type: 'vc' });
      const admin = await loginAs(t.app, 'admin');
      const res = await admin.get('/audit?entity=investor').set('Accept-Language', 'en');
      expect(res.status).to.equal(200);
      expect(entryIds(res.text)).to.have.length(1);
      expect(res.text).to.contain(staff.email);
      expect(res.text).to.contain('Created');
      // Escaped, never raw markup.
      expect(res.text).to.contain('Logged &lt;Capital&gt;');
      expect(res.text).to.not.contain('Logged <Capital>');
      expect(res.text).to.match(
        /(?:Name \(English\)|이름 \(영문\)): <del>—<\/del> → <ins>Logged &lt;Capital&gt;<\/ins>/,
      );
      const org = await AuditEntryModel.findOne({ entity: 'investor' }).lean();
      expect(res.text).to.contain(`href="/investors/${org!.entityId}"`);
    });

    it('when the log is read again, then the names of the records it refers to are one read by _id, and a renamed record shows its new name at once', async () => {
      const staff = await loginAs(t.app, 'staff');
      await staff
        .post('/investors')
        .type('form')
        .send({ _csrf: await staff.csrf(), nameEn: 'Named Capital', type: 'vc' });
      const admin = await loginAs(t.app, 'admin');
      const log = async () => (await admin.get('/audit').set('Accept-Language', 'en')).text;
      expect(await log()).to.contain('Named Capital');
      const { commands } = await captureCommands(() => admin.get('/audit'));
      const named = ['investororgs', 'firms', 'users', 'fundingrounds', 'matches', 'people', 'targets'];
      // (the signed-in user is read by its _id alone; names are read by `$in`)
      const nameReads = commands.filter(
        (c) => named.includes(c.collection ?? '') && JSON.stringify(c.filter).includes('$in'),
      );
      expect(nameReads.map((c) => c.collection)).to.deep.equal([]);
      const org = await AuditEntryModel.findOne({ entity: 'investor' }).lean();
      await InvestorOrgModel.updateOne({ _id: org!.entityId }, { $set: { nameEn: 'Renamed Capital' } });
      const after = await log();
      expect(after).to.match(new RegExp(`href="/investors/${org!.entityId}"[^>]*>Renamed Capital<`));
    });

    it('when filtering by record type, action, actor or record id, then only matching entries show and the filters stay in the form', async () => {
      const target = new Types.ObjectId();
      const [firmUpdate, investorCreate, userUpdate, byOther, ofTarget] = await seedEntries([
        { entity: 'firm', action: 'update', actorEmail: 'staff@test.example' },
        { entity: 'investor', action: 'create', actorEmail: 'staff@test.example' },
        { entity: 'user', action: 'update', actorEmail: 'admin@test.example' },
        { entity: 'firm', action: 'archive', actorEmail: 'other@test.example' },
        { entity: 'round', action: 'create', actorEmail: 'system', entityId: target },
      ]);
      const admin = await loginAs(t.app, 'admin');
      const ids = async (qs: string) => {
        const res = await admin.get(`/audit?${qs}`);
        expect(res.status, qs).to.equal(200);
        return entryIds(res.text).sort();
      };
      expect(await ids('entity=firm')).to.deep.equal([firmUpdate, byOther].sort());
      expect(await ids('action=update')).to.deep.equal([firmUpdate, userUpdate].sort());
      expect(await ids('entity=firm&action=archive')).to.deep.equal([byOther]);
      expect(await ids(`actor=${encodeURIComponent('  Other@Test.Example ')}`)).to.deep.equal([byOther]);
      expect(await ids('actor=system')).to.deep.equal([ofTarget]);
      expect(await ids(`entityId=${target}`)).to.deep.equal([ofTarget]);
      expect(await ids('entity=investor')).to.deep.equal([investorCreate]);
      expect(await ids('entity=note')).to.deep.equal([]);
      // Empty fields (a submitted filter form) mean "any" (the five above and the admin's own sign-in).
      expect(await ids('entity=&action=&actor=&from=&to=&entityId=')).to.have.length(6);

      const page = await admin.get('/audit?entity=firm&action=archive');
      expect(page.text).to.match(/<option value="firm" selected>/);
      expect(page.text).to.match(/<option value="archive" selected>/);
    });

    it('when filtering by dates, then they are Korean calendar days, both ends included', async () => {
      // 2026-03-01 23:59 KST is 14:59 UTC; 2026-03-02 00:00 KST is 15:00 UTC the day before in UTC terms.
      const [lateFirst, earlySecond, lateSecond, third] = await seedEntries([
        { at: new Date('2026-03-01T14:59:59.999Z') },
        { at: new Date('2026-03-01T15:00:00.000Z') },
        { at: new Date('2026-03-02T14:59:59.999Z') },
        { at: new Date('2026-03-02T15:00:00.000Z') },
      ]);
      const admin = await loginAs(t.app, 'admin');
      const ids = async (qs: string) => entryIds((await admin.get(`/audit?${qs}`)).text).sort();
      expect(await ids('from=2026-03-02&to=2026-03-02')).to.deep.equal([earlySecond, lateSecond].sort());
      expect(await ids('to=2026-03-01')).to.deep.equal([lateFirst]);
      expect(await ids('from=2026-03-03&to=2026-03-10')).to.deep.equal([third]);
      expect(await ids('from=2026-03-01&to=2026-03-03')).to.have.length(4);
      expect(seoulDayStart('2026-03-02').toISOString()).to.equal('2026-03-01T15:00:00.000Z');
      expect(seoulDayEnd('2026-03-02').toISOString()).to.equal('2026-03-02T15:00:00.000Z');
    });

    it('when there are more than 50 entries, then "next" pages go back in time without gaps or repeats, filters kept', async () => {
      const base = Date.UTC(2026, 0, 1);
      // 120 firm entries one minute apart, ten of them sharing one instant (ties are broken by id), plus noise of another type.
      const rows: Seed[] = Array.from({ length: 120 }, (_, i) => ({
        entity: 'firm',
        at: new Date(base + (i < 10 ? 0 : i) * 60_000),
      }));
      rows.push(...Array.from({ length: 5 }, () => ({ entity: 'user' })));
      const ids = await seedEntries(rows);
      const firmIds = ids.slice(0, 120);
      const admin = await loginAs(t.app, 'admin');

      const seen: string[] = [];
      let url: string | undefined = '/audit?entity=firm';
      const sizes: number[] = [];
      while (url) {
        const res = await admin.get(url);
        expect(res.status).to.equal(200);
        const page = entryIds(res.text);
        sizes.push(page.length);
        seen.push(...page);
        url = nextHref(res.text);
        if (url) expect(url).to.contain('entity=firm');
      }
      expect(sizes).to.deep.equal([50, 50, 20]);
      expect(new Set(seen).size).to.equal(120);
      expect([...seen].sort()).to.deep.equal([...firmIds].sort());
      // Newest first.
      const stored = await AuditEntryModel.find({ entity: 'firm' }).lean();
      const atOf = new Map(stored.map((e) => [String(e._id), e.at.getTime()]));
      for (let i = 1; i < seen.length; i++) expect(atOf.get(seen[i - 1]!)!).to.be.at.least(atOf.get(seen[i]!)!);
    });

    it('when paging forward twice and then back, then the earlier page comes back with the same rows, newest first, filters kept', async () => {
      const base = Date.UTC(2026, 1, 1);
      // 130 entries, a few sharing an instant across the page boundaries (ties are broken by id).
      await seedEntries(
        Array.from({ length: 130 }, (_, i) => ({ entity: 'firm', at: new Date(base + Math.floor(i / 3) * 60_000) })),
      );
      await seedEntries([{ entity: 'user' }]);
      const admin = await loginAs(t.app, 'admin');
      const page1 = await admin.get('/audit?entity=firm');
      expect(pageHref(page1.text, 'prev')).to.equal(undefined);
      const page2 = await admin.get(nextHref(page1.text)!);
      const page3 = await admin.get(nextHref(page2.text)!);
      expect(entryIds(page3.text)).to.have.length(30);
      expect(nextHref(page3.text)).to.equal(undefined);

      const back = pageHref(page3.text, 'prev')!;
      expect(back).to.contain('entity=firm');
      const page2again = await admin.get(back);
      expect(page2again.status).to.equal(200);
      expect(entryIds(page2again.text)).to.deep.equal(entryIds(page2.text));
      const page1again = await admin.get(pageHref(page2again.text, 'prev')!);
      expect(entryIds(page1again.text)).to.deep.equal(entryIds(page1.text));
      expect(pageHref(page1again.text, 'prev')).to.equal(undefined);
      expect(nextHref(page1again.text)).to.equal(nextHref(page1.text));
      // A cursor of another list's kind (a firm-name cursor) leads to the first page, not a 500.
      const nameCursor = Buffer.from(JSON.stringify(['acme', String(new Types.ObjectId())])).toString('base64url');
      const bad = await admin.get(`/audit?after=${nameCursor}`);
      expect(bad.status).to.equal(303);
      expect(bad.headers.location).to.equal('/audit');
    });

    it('every filter the log can be paged by alone is served by a declared index (the filter field, then at and _id)', () => {
      const indexes = AuditEntryModel.schema.indexes().map(([keys]) =>
        Object.entries(keys)
          .map(([k, v]) => `${k}:${String(v)}`)
          .join(','),
      );
      for (const field of ['entity', 'actorEmail']) expect(indexes, field).to.include(`${field}:1,at:-1,_id:-1`);
      expect(indexes).to.include('at:-1,_id:-1');
      expect(indexes).to.include('entityId:1,at:-1');
    });

    it('when the query has a bad value, then the log is shown without that filter and says so', async () => {
      const admin = await loginAs(t.app, 'admin');
      for (const [qs, notice] of [
        ['entity=spaceship', '대상 종류'],
        ['action=explode', '작업'],
        ['actor=not-an-email', '작업자'],
        ['from=2026-02-30', '시작일'],
        ['from=2026-03-05&to=2026-03-01', '종료일'],
        ['entityId=xyz', '대상'],
      ]) {
        const res = await admin.get(`/audit?${qs}`);
        expect(res.status, qs).to.equal(200);
        expect(res.text, qs).to.contain(`알 수 없는 필터 값을 무시했습니다: ${notice}`);
      }
      for (const qs of ['page=2', 'entity[$ne]=firm'])
        expect((await admin.get(`/audit?${qs}`)).status, qs).to.equal(200);
      for (const qs of ['after=123', 'after=1.zz']) expect((await admin.get(`/audit?${qs}`)).status, qs).to.equal(303);
    });

    it('each entry links to the record when it has a page', async () => {
      const firmId = new Types.ObjectId();
      const userId = new Types.ObjectId();
      const investorId = new Types.ObjectId();
      const roundId = new Types.ObjectId();
      await seedEntries([
        { entity: 'firm', entityId: firmId },
        { entity: 'user', entityId: userId },
        { entity: 'investor', entityId: investorId },
        { entity: 'round', entityId: roundId, firm: firmId },
        { entity: 'import', entityLabel: 'firms.csv' },
      ]);
      const admin = await loginAs(t.app, 'admin');
      const res = await admin.get('/audit');
      expect(res.text).to.contain(`href="/firms/${firmId}"`);
      expect(res.text).to.contain(`href="/admin/users/${userId}/edit"`);
      expect(res.text).to.contain(`href="/investors/${investorId}"`);
      expect(res.text).to.not.contain(`/rounds/${roundId}`);
      expect(res.text).to.match(/firms\.csv/);
    });
  });

  describe('history of a record', () => {
    it("historyOf returns one record's entries newest first, as plain objects, up to the limit", async () => {
      const id = new Types.ObjectId();
      const base = Date.UTC(2026, 4, 1);
      await seedEntries([
        { entityId: id, at: new Date(base), action: 'create' },
        { entityId: id, at: new Date(base + 1000), action: 'update' },
        { entityId: id, at: new Date(base + 2000), action: 'archive' },
        { at: new Date(base + 3000) },
      ]);
      const entries = await historyOf(String(id));
      expect(entries.map((e) => e.action)).to.deep.equal(['archive', 'update', 'create']);
      expect(entries[0]?.entityId).to.equal(String(id));
      expect(typeof entries[0]?._id).to.equal('string');
      expect(await historyOf(String(id), 2)).to.have.length(2);
      expect(await historyOf('not-an-id')).to.deep.equal([]);
    });

    it("historyOfFirm includes the firm's own entries and those tagged with it, newest first", async () => {
      const firm = new Types.ObjectId();
      const base = Date.UTC(2026, 4, 1);
      const [own, round, note] = await seedEntries([
        { entity: 'firm', entityId: firm, at: new Date(base) },
        { entity: 'round', firm, at: new Date(base + 2000) },
        { entity: 'note', firm, at: new Date(base + 1000) },
        { entity: 'firm', at: new Date(base + 3000) },
      ]);
      const entries = await historyOfFirm(String(firm));
      expect(entries.map((e) => e._id)).to.deep.equal([round, note, own]);
      expect(entries[0]?.firm).to.equal(String(firm));
    });

    it('the history partial shows the changes escaped on the investor page', async () => {
      const org = await makeInvestorOrg({ nameEn: 'Partial Test' });
      await seedEntries([
        {
          entity: 'investor',
          entityId: org._id,
          entityLabel: '<img src=x>',
          action: 'update',
          changes: [{ field: 'website', before: null, after: '<script>alert(1)</script>' }],
        },
      ]);
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get(`/investors/${org._id}`);
      expect(res.text).to.contain('class="timeline"');
      expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).to.not.contain('<script>alert(1)');
      expect(res.text).to.not.contain('<img src=x>');
      expect(res.text).to.match(/(?:Website|웹사이트): <del>—<\/del> → <ins>&lt;script&gt;/);
    });
  });
});
