import { compact, sumFigures } from '../../server/reports/report-figures.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { ReportDaysModel, ReportFiguresModel, ReportMonthModel } from '../../models/report-month.model.js';
import { FIRM_STAGES, SECTORS, type FirmStatus } from '../../models/enums.js';
import { makeUser } from '../helpers/factories.js';
import { clearDatabase } from '../helpers/root-hooks.js';
import { createFirm, updateFirm, changeStatus, deleteFirm } from '../../server/firms/firms.service.js';
import { createFirmBody, updateFirmBody } from '../../server/firms/firms.schemas.js';
import { createRound, updateRound, deleteRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { brnWithCheckDigit, searchTokensOf, sortNameKoOf, sortNameOf } from '../../server/firms/firm-rules.js';
import { refreshReportMonths } from '../../server/reports/index.js';
import {
  recountReportMonths,
  repairFigureCopies,
  storedReportMonths,
  loadLedger,
} from '../../server/reports/report-months.service.js';
import { countResidentOn } from '../../server/reports/cohort-count.js';
import { addDays, monthEnds } from '../../server/reports/calendar.js';
import { seoulToday } from '../../server/lib/dates.js';

// Days from 2023 to today, as indexes into a list (fast-check picks indexes; the list keeps them real days).
const FIRST = '2023-01-01';
const DAYS = (() => {
  const out: string[] = [];
  for (let d = FIRST; d <= seoulToday(); d = addDays(d, 9)) out.push(d);
  return out;
})();
const day = fc.integer({ min: 0, max: DAYS.length - 1 }).map((i) => DAYS[i]!);

// A status history as the pipeline records it: applicant, then moves on non-decreasing days; residency may end and
// start again.
const history = fc
  .array(
    fc.tuple(
      fc.constantFrom<FirmStatus>('screening', 'admitted', 'resident', 'graduated', 'exited', 'withdrawn', 'resident'),
      day,
    ),
    { minLength: 0, maxLength: 5 },
  )
  .chain((moves) =>
    day.map((start) => {
      const days = [start, ...moves.map(([, d]) => d)].sort();
      return [
        ['applicant', days[0]] as [FirmStatus, string],
        ...moves.map(([s], i) => [s, days[i + 1]] as [FirmStatus, string]),
      ];
    }),
  );

type Command =
  | { kind: 'insertFirm'; history: [FirmStatus, string][]; sector: number; headcount: number }
  | { kind: 'createFirm'; resident: boolean; headcount: number }
  | { kind: 'status'; firm: number; to: FirmStatus }
  | { kind: 'edit'; firm: number; headcount: number; sector: number; stage: number; tipsSelectedOn?: string }
  | { kind: 'history'; firm: number; history: [FirmStatus, string][] }
  | { kind: 'round'; firm: number; amount: number; closedOn: string; closed: boolean }
  | { kind: 'editRound'; round: number; amount: number; closedOn: string; closed: boolean }
  | { kind: 'deleteRound'; round: number }
  | { kind: 'deleteFirm'; firm: number };

const index = fc.nat({ max: 20 });
// Each run starts from a few firms that were resident at some point, so the commands have firms to change.
const initialFirm = fc.record({
  kind: fc.constant('insertFirm' as const),
  history: fc.tuple(day, day, fc.option(day, { nil: undefined })).map(([a, b, c]): [FirmStatus, string][] => {
    const [d1, d2, d3] = [a, b, c ?? a].sort() as [string, string, string];
    return c === undefined
      ? [
          ['applicant', d1],
          ['resident', d2],
        ]
      : [
          ['applicant', d1],
          ['resident', d2],
          ['graduated', d3],
        ];
  }),
  sector: fc.nat({ max: 9 }),
  headcount: fc.nat({ max: 80 }),
});
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('insertFirm' as const),
    history,
    sector: fc.nat({ max: 9 }),
    headcount: fc.nat({ max: 80 }),
  }),
  fc.record({ kind: fc.constant('createFirm' as const), resident: fc.boolean(), headcount: fc.nat({ max: 80 }) }),
  fc.record({
    kind: fc.constant('status' as const),
    firm: index,
    to: fc.constantFrom<FirmStatus>('resident', 'graduated', 'exited', 'screening', 'admitted'),
  }),
  fc.record({
    kind: fc.constant('edit' as const),
    firm: index,
    headcount: fc.nat({ max: 80 }),
    sector: fc.nat({ max: 9 }),
    stage: fc.nat({ max: 8 }),
    tipsSelectedOn: fc.option(day, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('history' as const), firm: index, history }),
  fc.record({
    kind: fc.constant('round' as const),
    firm: index,
    amount: fc.integer({ min: 1, max: 50 }),
    closedOn: day,
    closed: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('editRound' as const),
    round: index,
    amount: fc.integer({ min: 1, max: 50 }),
    closedOn: day,
    closed: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('deleteRound' as const), round: index }),
  fc.record({ kind: fc.constant('deleteFirm' as const), firm: index }),
);

let brn = 0;
async function insertFirm(c: Extract<Command, { kind: 'insertFirm' }>) {
  brn += 1;
  const base = { nameEn: `Random ${brn}`, brn: brnWithCheckDigit(String(444_000_000 + brn)) };
  const at = new Date();
  const firm = await FirmModel.create({
    ...base,
    sortName: sortNameOf(base),
    sortNameKo: sortNameKoOf(base),
    searchTokens: searchTokensOf(base),
    sectorPrimary: SECTORS[c.sector],
    headcount: c.headcount,
    status: c.history.at(-1)![0],
    statusHistory: c.history.map(([status, on]) => ({ status, on, at })),
    lastActivityAt: at,
  });
  // What a service does after its write.
  await refreshReportMonths(firm._id);
}

// Applies one command through the services (as the pages do), or as a direct write followed by the refresh the services
// make; a command the rules refuse (a status move not allowed, a firm with rounds deleted) changes nothing.
async function apply(c: Command, actor: { id: string; email: string }) {
  const firms = await FirmModel.find({}, { _id: 1, nameEn: 1, sectorPrimary: 1 }).sort({ _id: 1 }).lean();
  const rounds = await FundingRoundModel.find({}, { _id: 1, firm: 1, stage: 1 }).sort({ _id: 1 }).lean();
  const pick = <T>(list: T[], i: number) => (list.length ? list[i % list.length] : undefined);
  const refused = (err: unknown) => {
    if ((err as { status?: number }).status !== 409) throw err;
  };
  switch (c.kind) {
    case 'insertFirm':
      return insertFirm(c);
    case 'createFirm':
      brn += 1;
      return createFirm(
        createFirmBody.parse({
          nameEn: `Service ${brn}`,
          sectorPrimary: 'lending',
          headcount: String(c.headcount),
          status: c.resident ? 'resident' : 'applicant',
        }),
        actor,
      );
    case 'status': {
      const firm = pick(firms, c.firm);
      if (firm) await changeStatus(String(firm._id), { status: c.to, on: seoulToday() }, actor).catch(refused);
      return;
    }
    case 'edit': {
      const firm = pick(firms, c.firm);
      if (!firm) return;
      const body = {
        nameEn: firm.nameEn,
        sectorPrimary: SECTORS[c.sector],
        stage: FIRM_STAGES[c.stage],
        headcount: String(c.headcount),
        tipsSelectedOn: c.tipsSelectedOn ?? '',
      };
      await updateFirm(String(firm._id), updateFirmBody.parse(body), actor);
      return;
    }
    case 'history': {
      const firm = pick(firms, c.firm);
      if (!firm) return;
      const at = new Date();
      await FirmModel.updateOne(
        { _id: firm._id },
        {
          $set: { status: c.history.at(-1)![0], statusHistory: c.history.map(([status, on]) => ({ status, on, at })) },
        },
      );
      await refreshReportMonths(firm._id);
      return;
    }
    case 'round': {
      const firm = pick(firms, c.firm);
      if (!firm) return;
      const input = roundBody.parse({
        stage: c.amount % 2 ? 'seed' : 'series-a',
        instrument: 'rcps',
        status: c.closed ? 'closed' : 'open',
        amountKrw: `${c.amount}억`,
        closedOn: c.closed ? c.closedOn : '',
      });
      await createRound(String(firm._id), input, actor);
      return;
    }
    case 'editRound': {
      const round = pick(rounds, c.round);
      if (!round) return;
      const input = roundBody.parse({
        stage: round.stage,
        instrument: 'rcps',
        status: c.closed ? 'closed' : 'planned',
        amountKrw: `${c.amount}억`,
        closedOn: c.closed ? c.closedOn : '',
      });
      await updateRound(String(round.firm), String(round._id), input, actor);
      return;
    }
    case 'deleteRound': {
      const round = pick(rounds, c.round);
      if (round) await deleteRound(String(round.firm), String(round._id), actor);
      return;
    }
    case 'deleteFirm': {
      const firm = pick(firms, c.firm);
      if (firm) await deleteFirm(String(firm._id), actor).catch(refused);
      return;
    }
  }
}

describe("the reports' monthly summaries", () => {
  it('when firms, status histories, headcounts and rounds are changed at random, then the maintained summaries equal a recount from scratch, and their resident counts equal the counting rule on any day', async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(initialFirm, { minLength: 2, maxLength: 5 }),
        fc.array(command, { minLength: 1, maxLength: 16 }),
        fc.array(day, { minLength: 3, maxLength: 3 }),
        async (initial, commands, checkDays) => {
          await clearDatabase();
          const user = await makeUser({ role: 'staff' });
          const actor = { id: String(user._id), email: user.email };
          for (const c of [...initial, ...commands]) await apply(c, actor);

          expect(await storedReportMonths()).to.deep.equal(await recountReportMonths());
          // And against the counting rule itself (cohort-count.ts), on random days and every month's end.
          const firms = await FirmModel.find({}, { statusHistory: 1 }).lean();
          const days = [...checkDays, ...monthEnds(FIRST, seoulToday()).filter((_, i) => i % 5 === 0)];
          const ledger = await loadLedger(days);
          for (const d of days) expect(ledger.upTo(d).residents, d).to.equal(countResidentOn(firms, d));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("when many firms are refreshed at once into the same months, then no refresh loses another's entries", async function () {
    this.timeout(120_000);
    for (let i = 0; i < 12; i++) {
      await insertFirm({
        kind: 'insertFirm',
        history: [
          ['applicant', '2025-01-02'],
          ['resident', `2025-03-${String(10 + (i % 3)).padStart(2, '0')}`],
        ],
        sector: i % 10,
        headcount: i,
      });
    }
    await ReportMonthModel.deleteMany({});
    await ReportFiguresModel.deleteMany({});
    await ReportDaysModel.deleteMany({});
    const firms = await FirmModel.find({}, { _id: 1 }).lean();
    await Promise.all(firms.map((f) => refreshReportMonths(f._id)));
    const stored = await storedReportMonths();
    expect(stored).to.deep.equal(await recountReportMonths());
    expect(stored.find((m) => m.month === '2025-03')!.figures.residents).to.equal(12);
  });

  it('when a copy of the figures missed its month’s last write (a crash between the two), then the next start makes it again', async () => {
    for (let i = 0; i < 3; i++) {
      await insertFirm({
        kind: 'insertFirm',
        history: [
          ['applicant', '2025-01-02'],
          ['resident', `202${4 + i}-03-10`],
        ],
        sector: i,
        headcount: i + 1,
      });
    }
    const copies = async () =>
      Object.fromEntries((await ReportFiguresModel.find({}).lean()).map((c) => [c._id, compact(c.figures as object)]));
    const months = async () => Object.fromEntries((await storedReportMonths()).map((m) => [m.month, m.figures]));
    // The day sums a report within a month adds to the months before it: each day's entries summed.
    const daysCopied = async () =>
      Object.fromEntries((await ReportDaysModel.find({}).lean()).map((c) => [c._id, c.days]));
    const daysCounted = async () =>
      Object.fromEntries(
        (await storedReportMonths()).map((m) => [
          m.month,
          [...new Set(m.entries.map((e) => e.day))].sort().map((day) => ({
            day,
            f: compact(sumFigures(m.entries.filter((e) => e.day === day).map((e) => e.f))),
          })),
        ]),
      );
    // Every write keeps the copies equal to the months' figures.
    expect(await copies()).to.deep.equal(await months());
    expect(await daysCopied()).to.deep.equal(await daysCounted());
    expect(Object.keys(await copies())).to.include.members(['2024-03', '2025-03', '2026-03']);

    // A crash: one copy stale under a later revision, one missing, one left for a month that no longer exists; and a
    // month's day sums missing (or made before they were kept).
    await ReportFiguresModel.updateOne({ _id: '2025-03' }, { $set: { figures: { residents: 99 }, rev: 42 } });
    await ReportFiguresModel.deleteOne({ _id: '2024-03' });
    await ReportFiguresModel.create({ _id: '1999-01', figures: { residents: 1 }, rev: 0 });
    await ReportDaysModel.deleteOne({ _id: '2026-03' });
    expect(await repairFigureCopies()).to.equal(4);
    expect(await copies()).to.deep.equal(await months());
    expect(await daysCopied()).to.deep.equal(await daysCounted());
    expect(await repairFigureCopies()).to.equal(0);
  });
});
