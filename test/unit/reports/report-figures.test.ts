import { expect } from 'chai';
import fc from 'fast-check';
import type { FirmStatus } from '../../../models/enums.js';
import { countResidentOn, movesBetween, type StatusEntry } from '../../../server/reports/cohort-count.js';
import { addDays, monthEnds, quarterEnd, quarterStart, quartersBetween } from '../../../server/reports/calendar.js';
import { firmEntries, headcountOn, type FirmFacts } from '../../../server/reports/report-events.js';
import { compact, Ledger, monthOf, sumFigures, type Entry } from '../../../server/reports/report-figures.js';
import { checkAsOf } from '../../../server/reports/reports.schemas.js';
import { funnelOn, median } from '../../../server/reports/report-funnel.js';
import { buildTable, type ReportSources } from '../../../server/reports/report-tables.js';
import { metricValueOn } from '../../../server/reports/report-metrics.js';
import { renderChart } from '../../../server/reports/report-charts.js';
import { csvValue, cellText } from '../../../server/reports/report-format.js';
import { malformedTags } from '../../helpers/svg.js';

const facts = (over: Partial<FirmFacts> & { id: string; statusHistory: StatusEntry[] }): FirmFacts => ({
  sector: 'payments',
  stage: 'seed',
  headcount: 5,
  headcountChanges: [],
  rounds: [],
  ...over,
});
const h = (...pairs: [FirmStatus, string][]): StatusEntry[] => pairs.map(([status, on]) => ({ status, on }));

// The ledger of a set of entries with every month's entries loaded (the service loads only the months it needs).
function ledgerOf(entries: Entry[]): Ledger {
  const byMonth = new Map<string, Entry[]>();
  for (const e of entries) byMonth.set(monthOf(e.day), [...(byMonth.get(monthOf(e.day)) ?? []), e]);
  return new Ledger(new Map([...byMonth].map(([m, list]) => [m, compact(sumFigures(list.map((e) => e.f)))])), byMonth);
}

describe("report figures from firms (the monthly summaries' unit)", () => {
  const DAYS = Array.from({ length: 120 }, (_, i) => addDays('2024-01-01', i * 7));
  const day = fc.constantFrom(...DAYS);
  const history = fc
    .array(
      fc.tuple(
        fc.constantFrom<FirmStatus>('screening', 'admitted', 'resident', 'graduated', 'exited', 'resident'),
        day,
      ),
      { maxLength: 6 },
    )
    .chain((moves) =>
      day.map((start) => {
        const days = [start, ...moves.map(([, d]) => d)].sort();
        const entries: StatusEntry[] = [
          { status: 'applicant', on: days[0]! },
          ...moves.map(([status], i) => ({ status, on: days[i + 1]! })),
        ];
        return entries;
      }),
    );

  it("when any firms' histories are summed by day, then residents on every day and moves in every quarter equal the counting rule (cohort-count.ts)", () => {
    fc.assert(
      fc.property(
        fc.array(history, { minLength: 1, maxLength: 8 }),
        fc.array(day, { minLength: 1, maxLength: 5 }),
        (histories, days) => {
          const firms = histories.map((statusHistory) => ({ statusHistory }));
          const ledger = ledgerOf(
            histories.flatMap((statusHistory, i) => firmEntries(facts({ id: `f${i}`, statusHistory }))),
          );
          for (const d of [...days, ...monthEnds('2024-01-01', '2026-06-30')])
            expect(ledger.upTo(d).residents, d).to.equal(countResidentOn(firms, d));
          for (const q of quartersBetween('2024-01-01', '2026-06-30')) {
            const expected = histories
              .map((hh) => movesBetween(hh, quarterStart(q), quarterEnd(q)))
              .reduce(
                (a, b) => ({ admissions: a.admissions + b.admissions, departures: a.departures + b.departures }),
                { admissions: 0, departures: 0 },
              );
            const got = ledger.between(quarterStart(q), quarterEnd(q));
            expect({ admissions: got.admissions, departures: got.departures }, q).to.deep.equal(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('when a firm leaves and comes back on the same day, then it counts once that day, and as a departure and an admission', () => {
    const statusHistory = h(
      ['resident', '2024-12-16'],
      ['graduated', '2025-03-31'],
      ['resident', '2025-03-31'],
      ['exited', '2025-08-01'],
    );
    const ledger = ledgerOf(firmEntries(facts({ id: 'a', statusHistory, headcount: 6 })));
    for (const d of ['2025-03-30', '2025-03-31', '2025-04-01', '2025-08-01'])
      expect(ledger.upTo(d), d).to.include({ residents: 1, jobs: 6 });
    expect(ledger.upTo('2025-08-02')).to.include({ residents: 0, jobs: 0 });
    expect(ledger.upTo('2025-08-02').residentsBySector).to.deep.equal({ payments: 0 });
    expect(ledger.between('2025-01-01', '2025-03-31')).to.include({ admissions: 1, departures: 1 });
  });

  it('counts jobs at the headcount recorded on each day, only while resident', () => {
    const statusHistory = h(['resident', '2025-01-10'], ['graduated', '2025-06-30']);
    const headcountChanges = [
      { day: '2024-12-01', before: null, after: 4, created: true },
      { day: '2025-03-15', before: 4, after: 9 },
      { day: '2025-09-01', before: 9, after: 20 },
    ];
    const ledger = ledgerOf(firmEntries(facts({ id: 'a', statusHistory, headcount: 20, headcountChanges })));
    expect(ledger.upTo('2025-01-09').jobs).to.equal(0);
    expect(ledger.upTo('2025-01-10').jobs).to.equal(4);
    expect(ledger.upTo('2025-03-15').jobs).to.equal(9);
    expect(ledger.upTo('2025-06-30').jobs).to.equal(9);
    expect(ledger.upTo('2025-07-01').jobs).to.equal(0);
    expect(ledger.upTo('2025-12-31').jobs).to.equal(0);
  });

  it('reads a headcount before its first recorded change as the value it replaced, or as created', () => {
    expect(headcountOn([{ day: '2025-05-01', before: 3, after: 8 }], 8)('2025-01-01')).to.equal(3);
    expect(headcountOn([{ day: '2025-05-01', before: null, after: 8, created: true }], 8)('2025-01-01')).to.equal(8);
    expect(headcountOn([], 12)('2020-01-01')).to.equal(12);
    expect(headcountOn([{ day: '2025-05-01', before: 3, after: null }], null)('2025-06-01')).to.equal(0);
  });

  it('counts capital raised only for rounds closed while the firm was resident, by stage, with follow-ons after a first closed round', () => {
    const statusHistory = h(['applicant', '2024-01-01'], ['resident', '2024-06-01'], ['exited', '2025-06-30']);
    const rounds = [
      { id: '1', status: 'closed', stage: 'seed', amountKrw: 100, closedOn: '2024-03-01' },
      { id: '2', status: 'closed', stage: 'pre-a', amountKrw: 500, closedOn: '2024-09-01' },
      { id: '3', status: 'open', stage: 'series-a', amountKrw: 900, closedOn: '2025-01-01' },
      { id: '4', status: 'closed', stage: 'series-a', amountKrw: 2000, closedOn: '2025-06-30' },
      { id: '5', status: 'closed', stage: 'series-b', amountKrw: 7000, closedOn: '2025-07-01' },
    ];
    const ledger = ledgerOf(firmEntries(facts({ id: 'a', statusHistory, rounds })));
    const end = ledger.upTo('2025-12-31');
    expect(end.raisedKrw).to.equal(2500);
    expect(end.rounds).to.equal(2);
    expect(end.followOns).to.equal(2);
    expect(end.raisedByStage).to.deep.equal({ 'pre-a': 500, 'series-a': 2000 });
    expect(ledger.upTo('2024-12-31').raisedKrw).to.equal(500);
  });

  it('refuses to read a day mid-month whose entries were not loaded (a report must ask for them)', () => {
    const entries = firmEntries(facts({ id: 'a', statusHistory: h(['resident', '2025-03-10']) }));
    const partial = new Ledger(new Map([['2025-03', sumFigures(entries.map((e) => e.f))]]));
    expect(partial.upTo('2025-03-31').residents).to.equal(1);
    expect(partial.upTo('2025-04-15').residents).to.equal(1);
    expect(() => partial.upTo('2025-03-15')).to.throw(/not loaded/);
  });
});

describe('the as-of day', () => {
  it('is today when not given; refused when not a real date, in the future or before the earliest baseline', () => {
    expect(checkAsOf(undefined, '2026-12-01', '2024-12-31')).to.deep.equal({ ok: true, day: '2026-12-01' });
    expect(checkAsOf('2025-06-30', '2026-12-01', '2024-12-31')).to.deep.equal({ ok: true, day: '2025-06-30' });
    expect(checkAsOf('2025-02-29', '2026-12-01', undefined)).to.deep.equal({ ok: false, error: 'asOfInvalid' });
    expect(checkAsOf('30/06/2025', '2026-12-01', undefined)).to.deep.equal({ ok: false, error: 'asOfInvalid' });
    expect(checkAsOf('2026-12-02', '2026-12-01', undefined)).to.deep.equal({ ok: false, error: 'asOfFuture' });
    expect(checkAsOf('2024-12-30', '2026-12-01', '2024-12-31')).to.deep.equal({
      ok: false,
      error: 'asOfBeforeBaseline',
    });
  });
});

describe('the deal-flow funnel on a day', () => {
  const at = (day: string, hour = 12) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+09:00`);
  const match = (...steps: [string, string][]) => ({
    history: steps.map(([stage, day]) => ({ stage: stage as never, at: at(day), cycle: 1 })),
  });

  it('counts the matches that reached each stage, those in it, the conversion from introduction, and the median days per stage, from history up to that day', () => {
    const matches = [
      match(
        ['suggested', '2025-01-01'],
        ['introduced', '2025-01-11'],
        ['meeting', '2025-01-21'],
        ['due-diligence', '2025-02-10'],
        ['term-sheet', '2025-03-01'],
        ['invested', '2025-03-31'],
      ),
      match(
        ['suggested', '2025-01-05'],
        ['intro-requested', '2025-01-06'],
        ['introduced', '2025-01-26'],
        ['passed', '2025-02-05'],
      ),
      match(['suggested', '2025-02-01']),
      match(['suggested', '2025-05-01']),
    ];
    const rows = Object.fromEntries(funnelOn(matches, '2025-04-30').map((r) => [r.stage, r]));
    expect(rows.suggested).to.include({ reached: 3, current: 1 });
    expect(rows['intro-requested']?.reached).to.equal(2);
    expect(rows.introduced).to.include({ reached: 2, pctOfIntroduced: 100 });
    expect(rows.invested).to.include({ reached: 1, current: 1, pctOfIntroduced: 50 });
    expect(rows.passed).to.include({ reached: 1, current: 1, pctOfIntroduced: null });
    expect(rows.introduced?.medianDays).to.equal(10);
    expect(rows.suggested?.medianDays).to.equal(5.5);
    // The same day read later, after more moves, is the same; a day before the investment is different.
    expect(funnelOn([...matches, match(['suggested', '2025-06-01'])], '2025-04-30')).to.deep.equal(
      funnelOn(matches, '2025-04-30'),
    );
    expect(Object.fromEntries(funnelOn(matches, '2025-03-30').map((r) => [r.stage, r.reached])).invested).to.equal(0);
    expect(median([])).to.equal(null);
  });
});

describe('report tables and charts', () => {
  const entries = [
    ...firmEntries(
      facts({
        id: 'a',
        statusHistory: h(['resident', '2024-06-01']),
        rounds: [{ id: 'r', status: 'closed', stage: 'seed', amountKrw: 300_000_000, closedOn: '2025-02-01' }],
      }),
    ),
    ...firmEntries(
      facts({ id: 'b', sector: 'lending', statusHistory: h(['resident', '2025-01-15'], ['graduated', '2025-05-31']) }),
    ),
  ];
  const ledger = ledgerOf(entries);
  const target = {
    _id: 't',
    name: 'Residents',
    metric: 'resident-firms' as const,
    baseline: { value: 1, on: '2024-12-31' },
    target: { value: 13, on: '2025-12-31' },
    milestones: [],
  };
  const sources: ReportSources = {
    asOf: '2025-06-15',
    start: '2024-12-31',
    quartersFrom: '2024-12-31',
    targets: [target],
    ledger,
    valueOn: (metric, d) => metricValueOn(metric, d, { ledger, bifcFunds: [] }),
  };
  const t = (key: string) => key;

  it('draws the straight line from the baseline to the target beside the month-end counts', () => {
    const rows = buildTable('residents', sources).rows;
    expect(rows.map((r) => r.day)).to.deep.equal([
      '2024-12-31',
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-15',
    ]);
    expect(rows.map((r) => r.residents)).to.deep.equal([1, 2, 2, 2, 2, 2, 1]);
    expect(rows[0]?.targetLine).to.equal(1);
    expect(rows[3]?.targetLine).to.equal(4);
  });

  it('splits capital by round stage per quarter, the quarter of the day counted up to the day', () => {
    const capital = buildTable('capital', sources);
    expect(capital.columns.map((c) => c.key)).to.deep.equal(['quarter', 'seed', 'rounds', 'total']);
    expect(capital.rows).to.deep.equal([
      { quarter: '2024-Q4', seed: 0, rounds: 0, total: 0 },
      { quarter: '2025-Q1', seed: 300_000_000, rounds: 1, total: 300_000_000 },
      { quarter: '2025-Q2', seed: 0, rounds: 0, total: 0 },
    ]);
  });

  it('gives a projection as a day, met or not on pace, shown as words on the page and in CSV', () => {
    const row = buildTable('targets', sources).rows[0]!;
    // One resident on the day and one a year before (firm a since 2024-06-01): no growth over 12 months.
    expect(row.projected).to.equal('not-on-pace');
    const col = { key: 'projected', kind: 'projection' as const };
    expect(csvValue(col, row, t)).to.equal('reports.pace.notOnPace');
    expect(cellText(col, { projected: '2027-03-31' }, 'en', t)).to.equal('31 Mar 2027');
  });

  it('draws every chart as well-formed SVG without a script', () => {
    for (const name of ['residents', 'sectors', 'stages', 'moves', 'capital', 'tips'] as const) {
      const svg = renderChart(name, buildTable(name, sources), t, 'en');
      expect(svg, name).to.match(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg.toLowerCase(), name).to.not.contain('<script');
      expect(malformedTags(svg), name).to.deep.equal([]);
    }
  });
});
