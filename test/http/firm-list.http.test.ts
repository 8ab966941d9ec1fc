import { expect } from 'chai';
import { wonSortKey } from '../../server/lib/money.js';
import { useTestApp, loginAs } from '../helpers/app.js';
import { FirmModel } from '../../models/firm.model.js';
import { SECTORS, type FirmStatus } from '../../models/enums.js';
import { searchTokensOf, sortNameOf, sortNameKoOf, brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { backfillDerivedFields } from '../../server/firms/index.js';
import { firmListFilter, sortOf, PAGE_SIZE } from '../../server/firms/firm-list.service.js';
import { firmListQuery } from '../../server/firms/firms.schemas.js';
import { captureCommands } from '../helpers/commands.js';

// 60 firms with known names, statuses, sectors and raised totals.
async function seedFirms(n = 60) {
  const statuses: FirmStatus[] = ['resident', 'applicant', 'screening'];
  const docs = Array.from({ length: n }, (_, i) => {
    const base = {
      nameKo: `기업${String(i).padStart(3, '0')}`,
      nameEn: `Firm ${String(i).padStart(3, '0')}`,
      pitch: i % 10 === 0 ? '블록체인 결제' : 'lending data',
      tags: i % 5 === 0 ? ['bifc'] : [],
      brn: brnWithCheckDigit(String(500000000 + i)),
    };
    return {
      ...base,
      sortName: sortNameOf(base),
      sortNameKo: sortNameKoOf(base),
      searchTokens: searchTokensOf(base),
      sectorPrimary: SECTORS[i % 3],
      status: statuses[i % 3],
      statusHistory: [],
      founded: i % 7 === 0 ? undefined : `20${10 + (i % 15)}-01-01`,
      totals: { raisedKrw: (i % 4) * 100_000_000, raisedKey: wonSortKey((i % 4) * 100_000_000), roundCount: i % 4 },
      fundraising: { raising: i % 2 === 0 },
      tips: { status: i % 6 === 0 ? 'selected' : 'none' },
      lastActivityAt: new Date(Date.UTC(2026, 0, 1) + i * 3600_000),
      archived: i === 59,
    };
  });
  await FirmModel.insertMany(docs);
}

// One more resident firm, its derived fields as the app writes them.
async function addResident(names: { nameKo: string; nameEn: string }) {
  await FirmModel.create({
    ...names,
    sortName: sortNameOf(names),
    sortNameKo: sortNameKoOf(names),
    searchTokens: searchTokensOf(names),
    sectorPrimary: 'payments',
    status: 'resident',
  });
}

const namesOnPage = (html: string) =>
  [...html.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
const namesOn = (html: string) => [...html.matchAll(/<strong>(Firm \d{3})<\/strong>/g)].map((m) => m[1]!);
const nextLink = (html: string) => /href="([^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
const prevLink = (html: string) => /href="([^"]+)" rel="prev"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('firm list: search, filters, sort and pagination', () => {
  const t = useTestApp();

  it('when paging forward and back, then every active firm appears exactly once, in order, with the filter kept in the links', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const seen: string[] = [];
    let url: string | undefined = '/firms?lang=x'.replace('?lang=x', '?sort=name');
    const pages: string[] = [];
    while (url) {
      const res = await staff.get(url).set('Accept-Language', 'en');
      expect(res.status).to.equal(200);
      pages.push(url);
      seen.push(...namesOn(res.text));
      url = nextLink(res.text);
      if (url) expect(url).to.contain('sort=name');
    }
    expect(seen).to.have.length(59);
    expect(new Set(seen).size).to.equal(59);
    expect(seen).to.deep.equal([...seen].sort());
    expect(pages).to.have.length(Math.ceil(59 / PAGE_SIZE));
    // Back from the second page gives the first page again.
    const second = await staff.get(pages[1]!).set('Accept-Language', 'en');
    const back = await staff.get(prevLink(second.text)!).set('Accept-Language', 'en');
    expect(namesOn(back.text)).to.deep.equal(seen.slice(0, PAGE_SIZE));
    expect(back.text).to.contain('59 in total');
  });

  it('when the page is Korean, then names sort in 가나다 order of the Korean names', async () => {
    const make = (nameKo: string, nameEn: string) => ({
      nameKo,
      nameEn,
      sortName: sortNameOf({ nameKo, nameEn }),
      sortNameKo: sortNameKoOf({ nameKo, nameEn }),
      searchTokens: [],
      sectorPrimary: 'payments',
      status: 'resident',
      lastActivityAt: new Date(),
    });
    await FirmModel.insertMany([
      make('해운페이', 'Alpha Pay'),
      make('가온랩스', 'Zeta Labs'),
      make('나래핀테크', 'Mid Fintech'),
    ]);
    const staff = await loginAs(t.app, 'staff');
    const ko = await staff.get('/firms');
    expect([...ko.text.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1])).to.deep.equal([
      '가온랩스',
      '나래핀테크',
      '해운페이',
    ]);
    const en = await staff.get('/firms').set('Accept-Language', 'en');
    expect([...en.text.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1])).to.deep.equal([
      'Alpha Pay',
      'Mid Fintech',
      'Zeta Labs',
    ]);
  });

  it('when sorting by total raised (descending) across pages, then the order holds across the page boundary', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const first = await staff.get('/firms?sort=raised').set('Accept-Language', 'en');
    const second = await staff.get(nextLink(first.text)!).set('Accept-Language', 'en');
    const raised = async (names: string[]) =>
      Promise.all(names.map(async (n) => (await FirmModel.findOne({ nameEn: n }).lean())!.totals!.raisedKrw));
    const all = [...(await raised(namesOn(first.text))), ...(await raised(namesOn(second.text)))];
    expect(all).to.deep.equal([...all].sort((a, b) => b - a));
  });

  it('when sorting by founding date with firms that have none, then paging still reaches every firm once', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    for (const dir of ['asc', 'desc']) {
      const seen: string[] = [];
      let url: string | undefined = `/firms?sort=founded&dir=${dir}`;
      while (url) {
        const res = await staff.get(url).set('Accept-Language', 'en');
        seen.push(...namesOn(res.text));
        url = nextLink(res.text);
      }
      expect(new Set(seen).size, dir).to.equal(59);
    }
  });

  it('when filters are combined, then only matching firms are listed and counted', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const res = await staff.get('/firms?status=resident&sector=payments&raising=yes').set('Accept-Language', 'en');
    const expected = await FirmModel.find({
      archived: false,
      status: 'resident',
      sectorPrimary: 'payments',
      'fundraising.raising': true,
    }).lean();
    expect(namesOn(res.text).sort()).to.deep.equal(expected.map((f) => f.nameEn).sort());
    expect(expected.length).to.be.greaterThan(0);
    expect(res.text).to.contain(`${expected.length} in total`);
    const tagged = await staff.get('/firms?tag=bifc&tips=selected').set('Accept-Language', 'en');
    const expectedTagged = await FirmModel.find({ archived: false, tags: 'bifc', 'tips.status': 'selected' }).lean();
    expect(namesOn(tagged.text).sort()).to.deep.equal(expectedTagged.map((f) => f.nameEn).sort());
  });

  it('when firms are added, moved, archived or deleted, then the count of a filtered list or a search follows at once', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const totalOn = async (url: string) => {
      const html = (await staff.get(url).set('Accept-Language', 'en')).text;
      return Number(/(\d+) in total/.exec(html)?.[1] ?? 0);
    };
    const recount = (filter: Record<string, unknown>) => FirmModel.countDocuments(filter);
    const residents = { archived: false, status: 'resident' as const };
    const searched = { archived: false, searchTokens: { $regex: '^lending' } };
    const namesFound = async () =>
      (await FirmModel.find(searched, { nameEn: 1 }).lean()).map((f) => f.nameEn as string).sort();
    const check = async () => {
      expect(await totalOn('/firms?status=resident')).to.equal(await recount(residents));
      expect(await totalOn('/firms?q=lending')).to.equal(await recount(searched));
      // the firms a search lists follow too (it reads its page among the matches it keeps)
      const listed = (await staff.get('/firms?q=lending&sort=name').set('Accept-Language', 'en')).text;
      expect(namesOnPage(listed).sort()).to.deep.equal((await namesFound()).slice(0, PAGE_SIZE).sort());
    };
    await check(); // counted, then kept between requests
    const [first, second] = await FirmModel.find(residents).sort({ _id: 1 }).limit(2);
    await FirmModel.updateOne({ _id: first!._id }, { $set: { status: 'alumni' } });
    await check();
    await FirmModel.updateOne({ _id: second!._id }, { $set: { archived: true } });
    await check();
    await FirmModel.deleteOne({ searchTokens: 'lending', archived: false });
    await check();
    await addResident({ nameKo: '새기업', nameEn: 'New lending firm' });
    await check();
  });

  it('when a list page is read again, then it is the same page, one read by _id, and a rename, a move or a note on a firm shows on it at once', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const byActivity = '/firms?sort=activity';
    const get = (url: string) => staff.get(url).set('Accept-Language', 'en');
    const firstText = (await get(byActivity)).text;
    const first = namesOnPage(firstText);
    const { result: again, commands } = await captureCommands(() => get(byActivity));
    expect(namesOnPage(again.text)).to.deep.equal(first);
    const tokensOut = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(tokensOut(again.text), 'the kept page is the page drawn afresh').to.equal(tokensOut(firstText));
    const pageReads = commands.filter((c) => c.collection !== 'sessions' && c.collection !== 'users');
    expect(pageReads.map((c) => c.collection)).to.deep.equal(['computed']);
    expect(JSON.stringify(pageReads[0]!.filter)).to.contain('"_id":{"$in":[');

    // A note makes the firm the latest active (its last activity, which the counts over firms leave out).
    const oldest = await FirmModel.findOne({ archived: false }).sort({ lastActivityAt: 1 });
    await staff
      .post(`/firms/${oldest!._id}/notes`)
      .type('form')
      .send({ _csrf: await staff.csrf(), body: 'Called the CEO' });
    expect(namesOnPage((await get(byActivity)).text)[0]).to.equal(oldest!.nameEn);

    await FirmModel.updateOne({ _id: oldest!._id }, { $set: { nameEn: 'Renamed Firm' } });
    expect(namesOnPage((await get(byActivity)).text)[0]).to.equal('Renamed Firm');
    await FirmModel.updateOne({ _id: oldest!._id }, { $set: { archived: true } });
    expect(namesOnPage((await get(byActivity)).text)).to.not.include('Renamed Firm');
  });

  it('when firms were stored before their totals carried the sort key of the amount raised, then the start-up upkeep adds it and the list sorts by amount', async () => {
    await seedFirms();
    await FirmModel.collection.updateMany({}, { $unset: { 'totals.raisedKey': 1 } });
    expect(await backfillDerivedFields()).to.equal(60);
    expect(await backfillDerivedFields()).to.equal(0);
    const staff = await loginAs(t.app, 'staff');
    const page = await staff.get('/firms?sort=raised').set('Accept-Language', 'en');
    const raised = await Promise.all(
      namesOn(page.text).map(async (n) => (await FirmModel.findOne({ nameEn: n }).lean())!.totals!.raisedKrw),
    );
    expect(raised[0]).to.equal(300_000_000);
    expect(raised).to.deep.equal([...raised].sort((a, b) => b - a));
  });

  it('when firms were stored with sort keys from before (spaces kept), then the start-up upkeep rewrites them once and the order stays', async () => {
    const staff = await loginAs(t.app, 'staff');
    const names = ['Busan Pay', 'BusanPay', 'Busan  Chain', 'Busan', 'A&B Labs'];
    await FirmModel.collection.insertMany(
      names.map((nameEn, i) => ({
        nameEn,
        nameKo: `기업 ${i}`,
        sortName: nameEn.toLowerCase(),
        sortNameKo: `기업 ${i}`,
        searchTokens: [],
        sectorPrimary: 'payments',
        status: 'resident',
        archived: false,
      })),
    );
    const before = namesOnPage((await staff.get('/firms').set('Accept-Language', 'en')).text);

    expect(await backfillDerivedFields()).to.equal(names.length);
    expect(await backfillDerivedFields()).to.equal(0);
    const stored = await FirmModel.find({}, { sortName: 1, sortNameKo: 1 }).lean();
    expect(stored.map((f) => f.sortName).sort()).to.deep.equal([
      'a#b#labs',
      'busan',
      'busan##chain',
      'busan#pay',
      'busanpay',
    ]);
    expect(stored.every((f) => !/ /.test(f.sortNameKo!))).to.equal(true);
    expect(namesOnPage((await staff.get('/firms').set('Accept-Language', 'en')).text)).to.deep.equal(before);
    expect(before).to.deep.equal(['A&B Labs', 'Busan', 'Busan  Chain', 'Busan Pay', 'BusanPay']);
  });

  it('when a search or a filtered list is paged forward and back in any order, then every match appears once, in order, read by _id among the kept matches', async () => {
    await seedFirms();
    // Most firms without a founding date: they sort last, descending, and page boundaries fall among them (a cursor
    // with no value, only an _id).
    await FirmModel.updateMany({ nameEn: { $gte: 'Firm 020' } }, { $unset: { founded: 1 } });
    const staff = await loginAs(t.app, 'staff');
    const get = (url: string) => staff.get(url).set('Accept-Language', 'en');
    const orders = [
      { query: 'sort=name', sort: { sortName: 1, _id: 1 } },
      { query: 'sort=raised', sort: { 'totals.raisedKey': -1, _id: -1 } },
      { query: 'sort=founded&dir=desc', sort: { founded: -1, _id: -1 } },
    ] as const;
    const lists = [
      { query: 'q=firm', filter: { archived: false } },
      { query: 'raising=yes', filter: { archived: false, 'fundraising.raising': true } },
    ];
    for (const list of lists)
      for (const order of orders) {
        const total = await FirmModel.countDocuments(list.filter);
        await get(`/firms?${list.query}&${order.query}`); // finds and keeps the matches
        const seen: string[] = [];
        const pages: string[] = [];
        let url: string | undefined = `/firms?${list.query}&${order.query}`;
        while (url) {
          const { result: res, commands } = await captureCommands(() => get(url!));
          expect(res.text).to.contain(`${total} in total`);
          // (the first page was read just before: it is kept, and reads no firm at all)
          const reads = commands.filter((c) => c.collection === 'firms');
          expect(reads, 'at most one read of firms a page').to.have.length.at.most(pages.length ? 1 : 0);
          for (const read of reads) {
            expect(JSON.stringify(read.filter), 'read by _id').to.contain('"_id":{"$in":[');
            // in name order (the default) only the page's firms are read
            if (order.query === 'sort=name')
              expect((read.filter as { _id: { $in: unknown[] } })._id.$in).to.have.length.at.most(PAGE_SIZE);
          }
          pages.push(url);
          expect(pages.length, 'pages end').to.be.below(5);
          seen.push(...namesOn(res.text));
          url = nextLink(res.text);
        }
        const expected = (await FirmModel.find(list.filter).sort(order.sort).lean()).map((f) => f.nameEn);
        expect(seen, `${list.query}&${order.query}`).to.deep.equal(expected);
        const back = await get(prevLink((await get(pages[1]!)).text)!);
        expect(namesOn(back.text)).to.deep.equal(expected.slice(0, PAGE_SIZE));
      }
    // a Korean page of the same search in the order of the Korean names (one firm last in English, first in Korean)
    await addResident({ nameKo: '가장 먼저', nameEn: 'Firm zzz' });
    const korean = await staff.get('/firms?q=firm').set('Accept-Language', 'ko');
    const inKoreanOrder = await FirmModel.find({ archived: false }).sort({ sortNameKo: 1, _id: 1 }).limit(PAGE_SIZE);
    expect(namesOnPage(korean.text)).to.deep.equal(inKoreanOrder.map((f) => f.nameKo));
  });

  it('when searching in Korean or English, part of a word is enough and case does not matter', async () => {
    await seedFirms();
    const staff = await loginAs(t.app, 'staff');
    const korean = await staff.get(`/firms?q=${encodeURIComponent('체인')}`).set('Accept-Language', 'en');
    expect(namesOn(korean.text).sort()).to.deep.equal([
      'Firm 000',
      'Firm 010',
      'Firm 020',
      'Firm 030',
      'Firm 040',
      'Firm 050',
    ]);
    const english = await staff.get('/firms?q=FIRM%20042').set('Accept-Language', 'en');
    expect(namesOn(english.text)).to.deep.equal(['Firm 042']);
    const byBrn = await staff
      .get(`/firms?q=${brnWithCheckDigit('500000007').replace(/-/g, '')}`)
      .set('Accept-Language', 'en');
    expect(namesOn(byBrn.text)).to.deep.equal(['Firm 007']);
    const archived = await staff.get('/firms?q=059&archived=1').set('Accept-Language', 'en');
    expect(namesOn(archived.text)).to.deep.equal(['Firm 059']);
  });

  it('when the query string carries an unknown value or an operator object, then it is ignored (with a notice), not a query', async () => {
    const staff = await loginAs(t.app, 'staff');
    const bogus = await staff.get('/firms?status=bogus').set('Accept-Language', 'en');
    expect(bogus.status).to.equal(200);
    expect(bogus.text).to.contain('Unknown filter values were ignored: status');
    const operator = await staff.get('/firms?q[$ne]=x').set('Accept-Language', 'en');
    expect(operator.status).to.equal(200);
    expect(operator.text).to.not.contain('Unknown filter values');
    const cursor = await staff.get('/firms?status=resident&after=not-a-cursor').set('Accept-Language', 'en');
    expect(cursor.status).to.equal(303);
    expect(cursor.headers.location).to.equal('/firms?status=resident');
  });

  it('every list filter and sort is served by a declared index (equality fields, then the sort key, then _id)', () => {
    const indexes = FirmModel.schema.indexes().map(([keys]) => Object.keys(keys));
    const filters = [{}, { status: 'resident' }, { stage: 'seed' }, { tips: 'selected' }, { raising: 'yes' }];
    for (const [sort, lang] of [
      ['name', 'en'],
      ['name', 'ko'],
      ['founded', 'ko'],
      ['activity', 'ko'],
      ['raised', 'en'],
    ] as const) {
      for (const f of filters) {
        const q = firmListQuery.parse({ ...f, sort });
        const filter = firmListFilter(q) as { $and?: Record<string, unknown>[] } & Record<string, unknown>;
        const equalities = (filter.$and ?? [filter]).flatMap((c) => Object.keys(c));
        const { field } = sortOf(q, lang);
        // Either the filter fields then the sort key (status+name style), or the sort-only index filtered on archived alone.
        const served =
          indexes.some((keys) => {
            const prefix = keys.slice(0, equalities.length);
            return (
              equalities.every((e) => prefix.includes(e)) &&
              keys[equalities.length] === field &&
              keys[equalities.length + 1] === '_id'
            );
          }) ||
          (equalities.length > 1 && field.startsWith('sortName')
            ? false
            : indexes.some((k) => k[0] === 'archived' && k[1] === field && k[2] === '_id'));
        expect(served, `${JSON.stringify(f)} sorted by ${sort} (${lang})`).to.equal(true);
      }
    }
  });
});
