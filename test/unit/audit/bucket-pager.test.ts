import { expect } from 'chai';
import { Types } from 'mongoose';
import fc from 'fast-check';
import { bucketPage, subsetPage, type UnitSource } from '../../../server/audit/bucket-pager.js';
import {
  AUDIT_SUBSET_SIZE,
  AUDIT_SUBSET_TRIM_AT,
  bucketCount,
  dayBucketId,
  seoulDayOf,
  seoulDayStart,
  seoulDayEnd,
  seqOf,
  subjectsOf,
  timelineOverflow,
  uniqueNewestFirst,
  type ViewEntry,
} from '../../../server/audit/audit-view-keys.js';

const entry = (at: Date, extra: Partial<ViewEntry> = {}): ViewEntry => ({
  _id: new Types.ObjectId(),
  at,
  entity: 'firm',
  entityId: new Types.ObjectId(),
  action: 'update',
  ...extra,
});

// An in-memory log grouped by Seoul day, with the reads counted.
function daySource(entries: ViewEntry[], { sized = false } = {}) {
  const byDay = new Map<string, ViewEntry[]>();
  for (const e of entries) byDay.set(seoulDayOf(e.at), [...(byDay.get(seoulDayOf(e.at)) ?? []), e]);
  const days = [...byDay.keys()].sort();
  const reads: string[] = [];
  const source: UnitSource<ViewEntry> = {
    unitOf: seoulDayOf,
    startOf: seoulDayStart,
    endOf: seoulDayEnd,
    // eslint-disable-next-line @typescript-eslint/require-await
    async *units(from, dir) {
      for (const d of dir === -1 ? [...days].reverse() : days)
        if (!from || (dir === -1 ? d <= from : d >= from)) yield d;
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    load: async (units) => {
      reads.push(...units);
      return new Map(units.map((u) => [u, byDay.get(u) ?? []]));
    },
    ...(sized ? { sizeOf: (u: string) => Promise.resolve(byDay.get(u)?.length ?? 0) } : {}),
  };
  return { source, reads };
}

// Follows the page links one way from the first page, then back, collecting the rows of each page.
async function walk(
  source: UnitSource<ViewEntry>,
  opts: { size: number; maxUnits: number; match?: (e: ViewEntry) => boolean },
) {
  const match = opts.match ?? (() => true);
  const forward: string[][] = [];
  let page = await bucketPage({ source, size: opts.size, maxUnits: opts.maxUnits, match });
  forward.push(page.rows.map((e) => String(e._id)));
  expect(page.prev).to.equal(undefined);
  while (page.next) {
    page = await bucketPage({ source, after: page.next, size: opts.size, maxUnits: opts.maxUnits, match });
    forward.push(page.rows.map((e) => String(e._id)));
  }
  const backward: string[][] = [page.rows.map((e) => String(e._id))];
  while (page.prev) {
    page = await bucketPage({ source, before: page.prev, size: opts.size, maxUnits: opts.maxUnits, match });
    backward.unshift(page.rows.map((e) => String(e._id)));
  }
  return { forward, backward };
}

describe('audit views: keys and the bucket pager', () => {
  it('when an instant is near midnight, then its day is the Seoul calendar day', () => {
    expect(seoulDayOf(new Date('2026-03-01T14:59:59.999Z'))).to.equal('2026-03-01');
    expect(seoulDayOf(new Date('2026-03-01T15:00:00.000Z'))).to.equal('2026-03-02');
    expect(dayBucketId('2026-03-02', 1)).to.equal('day:2026-03-02');
    expect(dayBucketId('2026-03-02', 3)).to.equal('day:2026-03-02#3');
    expect([seqOf(1), seqOf(100), seqOf(101), bucketCount(0), bucketCount(201)]).to.deep.equal([1, 1, 2, 0, 3]);
  });

  it("when an entry is a firm's round, then it belongs to the round's history and the firm's", () => {
    const firm = new Types.ObjectId();
    const round = new Types.ObjectId();
    expect(subjectsOf({ entityId: round, firm })).to.deep.equal([String(round), String(firm)]);
    expect(subjectsOf({ entityId: firm, firm })).to.deep.equal([String(firm)]);
  });

  it('when a timeline has grown past the trim mark, then all but the newest 50 are removed', () => {
    const base = Date.UTC(2026, 0, 1);
    const list = Array.from({ length: AUDIT_SUBSET_TRIM_AT + 1 }, (_, i) => entry(new Date(base + i * 1000)));
    const drop = timelineOverflow(list);
    expect(drop).to.have.length(AUDIT_SUBSET_TRIM_AT + 1 - AUDIT_SUBSET_SIZE);
    expect(drop).to.deep.equal(list.slice(0, drop.length));
    expect(timelineOverflow(list.slice(0, AUDIT_SUBSET_TRIM_AT))).to.deep.equal([]);
    expect(uniqueNewestFirst([list[0]!, list[1]!, list[0]!])).to.deep.equal([list[1], list[0]]);
  });

  it('when paging the whole log both ways, then every entry shows exactly once, newest first, and the pages match', async () => {
    const base = Date.UTC(2026, 0, 1);
    // 40 days with 0–9 entries each, some sharing an instant (ties broken by id).
    const entries: ViewEntry[] = [];
    for (let d = 0; d < 40; d++)
      for (let i = 0; i < (d * 7) % 10; i++)
        entries.push(entry(new Date(base + d * 86_400_000 + Math.floor(i / 2) * 1000)));
    for (const sized of [false, true]) {
      const { source } = daySource(entries, { sized });
      for (const maxUnits of [31, 3]) {
        const { forward, backward } = await walk(source, { size: 7, maxUnits });
        const seen = forward.flat();
        const what = `maxUnits ${maxUnits}, sizes ${sized}`;
        expect(seen, what).to.deep.equal(uniqueNewestFirst(entries).map((e) => String(e._id)));
        expect(backward.flat(), what).to.deep.equal(seen);
      }
    }
  });

  it('when the source knows how many entries each day holds, then a page reads only the days that can fill it', async () => {
    const base = Date.UTC(2026, 0, 1);
    // 20 busy days of 30 entries: a page of 50 needs the newest two.
    const entries: ViewEntry[] = [];
    for (let d = 0; d < 20; d++)
      for (let i = 0; i < 30; i++) entries.push(entry(new Date(base + d * 86_400_000 + i * 1000)));
    const sized = daySource(entries, { sized: true });
    const page = await bucketPage({ source: sized.source, size: 50, maxUnits: 31, match: () => true });
    expect(page.rows).to.have.length(50);
    expect(sized.reads).to.have.length(2);
    const unsized = daySource(entries);
    await bucketPage({ source: unsized.source, size: 50, maxUnits: 31, match: () => true });
    expect(unsized.reads).to.have.length(8);
  });

  it('when a filter matches few entries, then a page reads at most maxUnits days, says how far it searched, and paging goes on', async () => {
    const base = Date.UTC(2026, 0, 1);
    const entries: ViewEntry[] = [];
    for (let d = 0; d < 30; d++)
      entries.push(entry(new Date(base + d * 86_400_000), { actorEmail: d % 10 === 0 ? 'a@x.kr' : 'b@x.kr' }));
    const { source, reads } = daySource(entries);
    const match = (e: ViewEntry) => e.actorEmail === 'a@x.kr';
    const first = await bucketPage({ source, size: 5, maxUnits: 4, match });
    expect(reads).to.have.length(4);
    expect(first.rows).to.have.length(0);
    expect(first.searchedTo?.toISOString()).to.equal(seoulDayStart('2026-01-27').toISOString());
    const { forward, backward } = await walk(source, { size: 5, maxUnits: 4, match });
    const wanted = uniqueNewestFirst(entries.filter(match)).map((e) => String(e._id));
    expect(forward.flat()).to.deep.equal(wanted);
    expect(backward.flat()).to.deep.equal(wanted);
  });
  it("when the log's newest entries are kept apart (the subset), then any page they can answer is the page the days give, and the walk goes on from it", async () => {
    const base = Date.UTC(2026, 2, 1);
    await fc.assert(
      fc.asyncProperty(
        // Entries over a few days, several at the same instant (the _id orders those).
        fc.array(fc.integer({ min: 0, max: 4 * 86_400 }), { minLength: 1, maxLength: 260 }),
        fc.integer({ min: 100, max: 150 }),
        fc.integer({ min: 5, max: 60 }),
        async (seconds, kept, size) => {
          const entries = seconds.map((s) => entry(new Date(base + Math.floor(s / 7) * 7000)));
          const latest = uniqueNewestFirst(entries).slice(0, kept);
          const { source } = daySource(entries, { sized: true });
          let after: string | undefined;
          for (let n = 0; n < 6; n++) {
            const fromDays = await bucketPage({ source, after, size, maxUnits: 31, match: () => true });
            const fromSubset = subsetPage(latest, { after, size });
            const shape = (p: typeof fromDays) => ({
              rows: p.rows.map((e) => String(e._id)),
              next: p.next,
              prev: p.prev,
            });
            if (fromSubset) expect(shape(fromSubset)).to.deep.equal(shape(fromDays));
            // The first page comes from the subset whenever it holds more than a page.
            if (n === 0 && latest.length > size) expect(fromSubset).to.not.equal(undefined);
            if (!fromDays.next) break;
            after = fromDays.next;
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
