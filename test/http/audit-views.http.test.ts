import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { useTestApp, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { captureCommands, type CapturedCommand } from '../helpers/commands.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { MatchModel } from '../../models/match.model.js';
import { AuditBucketModel, AuditDayIndexModel } from '../../models/audit-bucket.model.js';
import { AuditTimelineModel } from '../../models/audit-timeline.model.js';
import { invalidateComputed } from '../../models/computed.model.js';
import {
  appendAuditEntries,
  editorsSince,
  historyOfFirm,
  ensureAuditViews,
  rebuildAuditViews,
  recordAudit,
} from '../../server/audit/index.js';
import { viewEntryOf } from '../../server/audit/audit-views.service.js';

const entryIds = (html: string) => [...html.matchAll(/data-entry="([0-9a-f]{24})"/g)].map((m) => m[1]!);
const pageHref = (html: string, rel: 'next' | 'prev') => {
  const tag = new RegExp(`<a [^>]*rel="${rel}"[^>]*>`).exec(html)?.[0];
  return tag ? /href="([^"]+)"/.exec(tag)![1]!.replace(/&amp;/g, '&') : undefined;
};
// The entries of a history list (views/partials/history.ejs): their times, which are unique in these tests.
const historyTimes = (html: string) =>
  [...html.matchAll(/<li>\s*<div class="muted"><time datetime="([^"]+)"/g)].map((m) => m[1]!);

// Follows a log's next links from `url` to its last page, then its prev links back: the pages must be the same both
// ways; returns the entries' ids in the order shown.
async function walkBothWays(agent: Agent, url: string): Promise<string[]> {
  const forward: string[][] = [];
  let res = await agent.get(url);
  forward.push(entryIds(res.text));
  while (pageHref(res.text, 'next')) {
    res = await agent.get(pageHref(res.text, 'next')!);
    forward.push(entryIds(res.text));
  }
  const backward: string[][] = [entryIds(res.text)];
  while (pageHref(res.text, 'prev')) {
    res = await agent.get(pageHref(res.text, 'prev')!);
    backward.unshift(entryIds(res.text));
  }
  expect(backward).to.deep.equal(forward);
  return forward.flat();
}

const FLAT = AuditEntryModel.collection.collectionName;
const VIEWS = [AuditBucketModel, AuditDayIndexModel, AuditTimelineModel].map((m) => m.collection.collectionName);
const AUDIT_COLLECTIONS = [FLAT, ...VIEWS];

// What a page asked of the audit collections: every command there must be a read of documents by their _id (one, or
// several with $in).
function auditReads(commands: CapturedCommand[]) {
  const mine = commands.filter((c) => AUDIT_COLLECTIONS.includes(c.collection));
  for (const c of mine) {
    expect(c.collection, JSON.stringify(c.command)).to.not.equal(FLAT);
    expect(c.name, JSON.stringify(c.command)).to.equal('find');
    expect(Object.keys(c.filter ?? {}), JSON.stringify(c.filter)).to.deep.equal(['_id']);
    const id = c.filter!._id;
    const ids = typeof id === 'string' ? [id] : (id as { $in?: unknown[] }).$in;
    expect(Array.isArray(ids) && ids.every((v) => typeof v === 'string'), JSON.stringify(c.filter)).to.equal(true);
  }
  return mine.length;
}

// The views as sets: per document, its entry ids (sorted; the entries are stored packed); timelines by their newest 50;
// day indexes as stored.
async function viewDigest() {
  const db = mongoose.connection.db!;
  const out: Record<string, unknown> = {};
  for (const name of VIEWS) {
    for (const d of await db.collection<{ _id: string } & mongoose.mongo.Document>(name).find({}).toArray()) {
      if (d._id === 'built') continue; // the rebuild's own marker
      const entries = ((d.entries ?? []) as mongoose.mongo.BSON.Binary[])
        .map((packed) => mongoose.mongo.BSON.deserialize(packed.buffer) as { _id: unknown; at: Date })
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (String(b._id) < String(a._id) ? -1 : 1))
        .slice(0, name === AuditTimelineModel.collection.collectionName ? 50 : undefined)
        .map((e) => String(e._id));
      const count = Object.entries((d.count ?? {}) as Record<string, number>).sort();
      out[`${name}/${d._id}`] = {
        entries: [...new Set(entries)],
        count,
        years: [...((d.years ?? []) as string[])].sort(),
      };
    }
  }
  return out;
}

describe('audit views: pages read a bounded number of documents by _id', () => {
  const t = useTestApp();

  it('when the firm page, the investor page, their full histories and the audit log are shown, then none of them queries the flat log, and each reads audit documents by _id only', async () => {
    const firm = await makeFirm({ nameEn: 'Bounded Pay' });
    const org = await makeInvestorOrg({ nameEn: 'Bounded Capital' });
    await recordAudit({
      actor: null,
      entity: 'investor',
      entityId: org._id,
      action: 'update',
      entityLabel: 'Bounded Capital',
    });
    await recordAudit({
      actor: null,
      entity: 'round',
      entityId: new Types.ObjectId(),
      firm: firm._id,
      action: 'create',
    });
    const staff = await loginAs(t.app, 'staff');
    const admin = await loginAs(t.app, 'admin');
    const pages: [typeof staff, string][] = [
      [staff, `/firms/${firm._id}`],
      [staff, `/firms/${firm._id}/history`],
      [staff, `/investors/${org._id}`],
      [staff, `/investors/${org._id}/history`],
      [admin, '/audit'],
      [admin, '/audit?entity=round&actor=system&from=2020-01-01'],
      [admin, `/audit?entityId=${firm._id}`],
    ];
    for (const [agent, url] of pages) {
      const { result, commands } = await captureCommands(() => agent.get(url).set('Accept-Language', 'en'));
      expect(result.status, url).to.equal(200);
      const reads = auditReads(commands);
      expect(reads, url).to.be.within(1, 12);
    }
  });

  it("when a firm's timeline names only the firm, its rounds, its people and their investors, then the page names them without asking for them again", async () => {
    const firm = await makeFirm({ nameEn: 'Known Pay' });
    const org = await makeInvestorOrg({ nameEn: 'Known Capital' });
    const round = await FundingRoundModel.create({
      firm: firm._id,
      stage: 'seed',
      instrument: 'rcps',
      amountKrw: 500_000_000,
      status: 'closed',
      closedOn: '2026-03-01',
      participants: [{ investor: org._id, amountKrw: 500_000_000 }],
    });
    const person = await PersonModel.create({ name: 'Kim Known', firms: [{ firm: firm._id, role: 'ceo' }] });
    await recordAudit({ actor: null, entity: 'round', entityId: round._id, firm: firm._id, action: 'create' });
    await recordAudit({
      actor: null,
      entity: 'firm',
      entityId: firm._id,
      action: 'update',
      changes: [{ field: 'contactPerson', before: null, after: String(person._id) }],
    });
    const staff = await loginAs(t.app, 'staff');
    const { result, commands } = await captureCommands(() =>
      staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en'),
    );
    const timeline = result.text.slice(result.text.indexOf('id="timeline"'));
    expect(timeline).to.contain('Round created').and.contain('<ins>Kim Known</ins>');
    // Names are looked up by `_id: {$in}`; none of targets, matches or users, and none of the firm, round or person.
    const inOf = (c: CapturedCommand) => (c.filter?._id as { $in?: unknown[] } | undefined)?.$in;
    const lookups = commands.filter((c) => Array.isArray(inOf(c)) && c.command.projection);
    const asked = lookups.flatMap((c) => inOf(c)!.map(String));
    const others = ['targets', 'matches', 'users'];
    expect(lookups.map((c) => c.collection).filter((c) => others.includes(c))).to.deep.equal([]);
    const known = [String(firm._id), String(round._id), String(person._id)];
    expect(asked.filter((id) => known.includes(id))).to.deep.equal([]);
  });

  it("when a firm's timeline names a match, then the page asks only the matches for it", async () => {
    const firm = await makeFirm({ nameEn: 'Matched Pay' });
    const org = await makeInvestorOrg({ nameEn: 'Matching Capital' });
    const match = await MatchModel.create({
      firm: firm._id,
      investor: org._id,
      stage: 'suggested',
      open: true,
      stageSince: new Date(),
    });
    await recordAudit({
      actor: null,
      entity: 'match',
      entityId: match._id,
      firm: firm._id,
      action: 'create',
      changes: [{ field: 'stage', before: null, after: 'suggested' }],
    });
    const staff = await loginAs(t.app, 'staff');
    const { result, commands } = await captureCommands(() =>
      staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en'),
    );
    expect(result.text.slice(result.text.indexOf('id="timeline"'))).to.contain('Match created');
    const inOf = (c: CapturedCommand) => (c.filter?._id as { $in?: unknown[] } | undefined)?.$in ?? [];
    const askedFor = (id: unknown) =>
      commands.filter((c) => inOf(c).map(String).includes(String(id))).map((c) => c.collection);
    // Before, the id was asked of all seven collections that name records.
    expect(askedFor(match._id)).to.deep.equal(['matches']);
  });

  it('when a firm has more history than its page shows, then the page shows the latest 50 and links to all of it, paged both ways', async () => {
    const firm = await makeFirm({ nameEn: 'Long Story' });
    const base = Date.UTC(2025, 0, 1);
    // 70 entries over 70 days (the firm's create entry is today, the newest).
    await appendAuditEntries(
      Array.from({ length: 70 }, (_, i) => ({
        at: new Date(base + i * 86_400_000),
        actor: null,
        entity: 'round' as const,
        entityId: new Types.ObjectId(),
        firm: firm._id,
        action: 'update' as const,
      })),
    );
    expect(await historyOfFirm(String(firm._id), 100)).to.have.length(50);
    const staff = await loginAs(t.app, 'staff');
    const page = await staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en');
    expect(page.text).to.contain(`href="/firms/${firm._id}/history"`);
    expect(page.text).to.contain('All history');

    const seen: string[] = [];
    let url: string | undefined = `/firms/${firm._id}/history`;
    const pages: string[] = [];
    while (url) {
      const res = await staff.get(url).set('Accept-Language', 'en');
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('Long Story');
      pages.push(res.text);
      seen.push(...historyTimes(res.text));
      url = pageHref(res.text, 'next');
    }
    expect(seen).to.have.length(71);
    expect(new Set(seen).size).to.equal(71);
    expect([...seen].sort().reverse()).to.deep.equal(seen);
    const back = await staff.get(pageHref(pages[pages.length - 1]!, 'prev')!).set('Accept-Language', 'en');
    expect(historyTimes(back.text)).to.deep.equal(historyTimes(pages[pages.length - 2] ?? ''));
    expect((await staff.get(`/firms/${new Types.ObjectId()}/history`)).status).to.equal(404);
  });

  it("when an investor organisation's full history is shown, then it holds only its own entries", async () => {
    const org = await makeInvestorOrg({ nameEn: 'Own Only' });
    const other = await makeInvestorOrg({ nameEn: 'Someone Else' });
    await recordAudit({
      actor: null,
      entity: 'investor',
      entityId: org._id,
      action: 'update',
      entityLabel: 'Own Only',
    });
    await recordAudit({ actor: null, entity: 'investor', entityId: other._id, action: 'archive', entityLabel: 'Else' });
    const staff = await loginAs(t.app, 'staff');
    const res = await staff.get(`/investors/${org._id}/history`).set('Accept-Language', 'en');
    expect(res.status).to.equal(200);
    expect(historyTimes(res.text)).to.have.length(1);
    expect((await staff.get(`/investors/${org._id}`)).text).to.contain(`href="/investors/${org._id}/history"`);
  });

  it('when a day holds more entries than one bucket, then the log pages through all of them both ways, each once', async () => {
    const base = Date.UTC(2026, 5, 1, 1);
    // 150 entries on one Seoul day (two buckets) and 60 the day before, some sharing an instant.
    const rows = [
      ...Array.from({ length: 150 }, (_, i) => new Date(base + Math.floor(i / 2) * 1000)),
      ...Array.from({ length: 60 }, (_, i) => new Date(base - 86_400_000 + i * 1000)),
    ];
    for (const at of rows.slice(0, 120))
      await recordAudit({ actor: null, entity: 'firm', entityId: new Types.ObjectId(), action: 'update' }, at);
    await appendAuditEntries(
      rows.slice(120).map((at) => ({
        at,
        actor: null,
        entity: 'firm' as const,
        entityId: new Types.ObjectId(),
        action: 'update' as const,
      })),
    );
    expect(await AuditBucketModel.exists({ _id: 'day:2026-06-01#2' })).to.not.equal(null);
    const admin = await loginAs(t.app, 'admin');
    const stored = await AuditEntryModel.find({ entity: 'firm' }).sort({ at: -1, _id: -1 }).lean();
    expect(await walkBothWays(admin, '/audit?entity=firm')).to.deep.equal(stored.map((e) => String(e._id)));
    // The busy day's two buckets are read together when the page is drawn: one query, whatever the number of buckets a
    // day holds. (Drawn afresh: the walk above left the page kept.)
    await invalidateComputed('audit');
    const { commands } = await captureCommands(() => admin.get('/audit?entity=firm'));
    const bucketReads = commands.filter((c) => c.collection === AuditBucketModel.collection.collectionName);
    expect(bucketReads).to.have.length(1);
    expect(JSON.stringify(bucketReads[0]!.filter)).to.contain('day:2026-06-01#2');
  });

  it('when a page of the log is shown again, then it is the kept page, the same as drawn afresh; a new entry or a renamed record shows at once', async () => {
    const firm = await makeFirm({ nameEn: 'Logged Pay', nameKo: 'Logged Pay' });
    const admin = await loginAs(t.app, 'admin');
    const page = async () => (await admin.get('/audit').set('Accept-Language', 'en')).text;
    const fresh = await page();
    const { result: kept, commands } = await captureCommands(() => admin.get('/audit').set('Accept-Language', 'en'));
    expect(commands.filter((c) => AUDIT_COLLECTIONS.includes(c.collection))).to.deep.equal([]);
    expect(kept.text).to.equal(fresh);
    expect(fresh).to.contain('Logged Pay');

    await recordAudit({ actor: null, entity: 'firm', entityId: firm._id, action: 'archive' });
    const newest = (await AuditEntryModel.findOne({ action: 'archive' }).lean())!;
    expect(entryIds(await page())[0]).to.equal(String(newest._id));
    await FirmModel.updateOne({ _id: firm._id }, { $set: { nameEn: 'Renamed Logged Pay' } });
    expect(await page()).to.contain('Renamed Logged Pay');
  });

  it("when the log's first page is read, then it comes from its latest entries (one read by _id, no day's buckets), and paging on from it shows every entry once", async function () {
    this.timeout(60_000);
    const base = Date.UTC(2026, 6, 1, 1);
    const write = (i: number) =>
      recordAudit(
        { actor: null, entity: 'firm', entityId: new Types.ObjectId(), action: 'update' },
        new Date(base + Math.floor(i / 3) * 60_000),
      );
    // The log's views built from the flat log (its latest entries with them), then more entries written one by one.
    for (let i = 0; i < 90; i++) await write(i);
    await rebuildAuditViews();
    for (let i = 90; i < 130; i++) await write(i);
    const admin = await loginAs(t.app, 'admin');
    const { result, commands } = await captureCommands(() => admin.get('/audit'));
    expect(commands.filter((c) => c.collection === AuditBucketModel.collection.collectionName)).to.deep.equal([]);
    const stored = async () =>
      (await AuditEntryModel.find({}).sort({ at: -1, _id: -1 }).lean()).map((e) => String(e._id));
    expect(entryIds(result.text)).to.deep.equal((await stored()).slice(0, 50));

    expect(await walkBothWays(admin, '/audit')).to.deep.equal(await stored());
    // Past its trim mark the latest entries are cut back to the newest, and still answer the first page.
    for (let i = 130; i < 200; i++) await write(i);
    expect(await walkBothWays(admin, '/audit')).to.deep.equal(await stored());
    const again = await captureCommands(() => admin.get('/audit'));
    expect(again.commands.filter((c) => c.collection === AuditBucketModel.collection.collectionName)).to.deep.equal([]);
  });

  it('when entries were written one by one and in bulk, then rebuilding the views from the flat log gives the same views', async function () {
    this.timeout(120_000);
    const firms = [new Types.ObjectId(), new Types.ObjectId()];
    const others = Array.from({ length: 5 }, () => new Types.ObjectId());
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 48271) % 2147483647; // Park–Miller: exact in doubles
      return seed % n;
    };
    // Enough for a trimmed timeline (firm 0 gets more than 75) and a day past one bucket.
    const firmOf = () => firms[rand(8) === 0 ? 1 : 0]!;
    for (let i = 0; i < 110; i++) {
      const own = rand(3) === 0;
      await recordAudit({
        actor: { id: String(others[0]), email: `u${rand(3)}@test.example` },
        entity: own ? 'firm' : 'round',
        entityId: own ? firmOf() : others[rand(5)]!,
        firm: own ? undefined : firmOf(),
        action: 'update',
        version: i,
      });
    }
    await appendAuditEntries(
      Array.from({ length: 40 }, (_, i) => ({
        at: new Date(Date.UTC(2024, rand(12), 1 + rand(27), rand(24))),
        actor: null,
        entity: 'note' as const,
        entityId: others[rand(5)]!,
        firm: firms[0]!,
        action: 'create' as const,
        version: 1000 + i,
      })),
    );
    const incremental = await viewDigest();
    const firmTimeline = await AuditTimelineModel.findById(String(firms[0])).lean();
    expect(firmTimeline!.entries.length).to.be.within(50, 75);
    expect(await AuditEntryModel.countDocuments({ $or: [{ firm: firms[0] }, { entityId: firms[0] }] })).to.be.above(75);
    await rebuildAuditViews();
    expect(await viewDigest()).to.deep.equal(incremental);
    // The editors of a record after a version come from its timeline, or its months when the timeline does not reach back.
    const ofFirm = await AuditEntryModel.find({ entityId: firms[0], version: { $gt: 3 } })
      .sort({ at: 1 })
      .lean();
    expect((await editorsSince(String(firms[0]), 3, 500)).map((e) => e.at.getTime())).to.deep.equal(
      ofFirm.map((e) => e.at.getTime()),
    );
  });

  it('when a database has audit entries from before the views, then start-up builds them once and the firm page shows the history', async () => {
    const firm = await makeFirm({ nameEn: 'Old Times' });
    for (const name of VIEWS) await mongoose.connection.db!.collection(name).deleteMany({});
    expect(await historyOfFirm(String(firm._id))).to.deep.equal([]);
    expect(await ensureAuditViews()).to.equal(1);
    expect((await historyOfFirm(String(firm._id))).map((e) => e.action)).to.deep.equal(['create']);
    expect(await ensureAuditViews()).to.equal(undefined);
  });

  it('when the views were written by the version before entries were packed, then start-up builds them again and the firm page shows the history', async () => {
    const firm = await makeFirm({ nameEn: 'Unpacked Times' });
    const db = mongoose.connection.db!;
    const flat = await AuditEntryModel.findOne({ entityId: firm._id }).lean();
    // What that version left: the entry itself in the timeline, and its computation (1) in the marker.
    await db
      .collection<{ _id: string }>(AuditTimelineModel.collection.collectionName)
      .replaceOne({ _id: String(firm._id) }, { entries: [viewEntryOf(flat!)], count: {} });
    await db
      .collection<{ _id: string }>(AuditDayIndexModel.collection.collectionName)
      .updateOne({ _id: 'built' }, { $set: { computation: 1 } });
    expect(await ensureAuditViews()).to.be.greaterThan(0);
    expect((await historyOfFirm(String(firm._id))).map((e) => e.action)).to.deep.equal(['create']);
    expect(await ensureAuditViews()).to.equal(undefined);
  });

  it('when the demo-data generator writes in bulk into an empty log, then start-up does not build the views again; into an older log, it does', async () => {
    const db = mongoose.connection.db!;
    for (const name of AUDIT_COLLECTIONS) await db.collection(name).deleteMany({});
    const firm = new Types.ObjectId();
    const at = new Date('2026-11-02T01:00:00Z');
    await appendAuditEntries([
      { actor: null, entity: 'firm', entityId: firm, action: 'create', at },
      { actor: null, entity: 'firm', entityId: firm, action: 'update', at: new Date(at.getTime() + 1000) },
    ]);
    expect(await ensureAuditViews()).to.equal(undefined);
    expect((await historyOfFirm(String(firm))).map((e) => e.action)).to.deep.equal(['update', 'create']);

    for (const name of VIEWS) await db.collection(name).deleteMany({});
    await appendAuditEntries([{ actor: null, entity: 'firm', entityId: firm, action: 'archive', at: new Date() }]);
    expect(await ensureAuditViews()).to.equal(3);
    expect((await historyOfFirm(String(firm))).map((e) => e.action)).to.deep.equal(['archive', 'update', 'create']);
  });
});
