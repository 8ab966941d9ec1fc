import { Types } from 'mongoose';
import { ReportDaysModel, ReportFiguresModel, ReportMonthModel } from '../../models/report-month.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { seoulToday } from '../lib/dates.js';
import { groupBy } from '../lib/group-by.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { firmEntries, type FirmFacts, type HeadcountChange, type RoundFacts } from './report-events.js';
import {
  compact,
  Ledger,
  monthOf,
  monthsNeeding,
  sumFigures,
  type Entry,
  type FigureChange,
} from './report-figures.js';
import type { Day } from './cohort-count.js';

// The monthly summaries (models/report-month.model.ts), maintained at write time: the firms and rounds services call
// refreshReportMonths(firmId) after each write, which recomputes that one firm's entries from its document, its rounds
// and its audit log, and rewrites only the months where they were or now are. A month is rewritten only while it is at
// the revision it was read at (otherwise read again), so concurrent refreshes of different firms never lose each other.
// Bump SUMMARY_VERSION when the computation changes: the next start-up rebuilds every month from scratch.
const SUMMARY_VERSION = 3;
const MAX_ATTEMPTS = 20;

type StoredEntry = { firm: Types.ObjectId; day: string; f: FigureChange };
type DaySum = { day: string; f: FigureChange };
export type MonthSummary = { month: string; figures: FigureChange; entries: Entry[] };

const FIRM_FIELDS = { sectorPrimary: 1, stage: 1, headcount: 1, statusHistory: 1, 'tips.selectedOn': 1 } as const;
const ROUND_FIELDS = { firm: 1, status: 1, stage: 1, amountKrw: 1, closedOn: 1 } as const;
const AUDIT_FIELDS = { entityId: 1, at: 1, action: 1, changes: 1 } as const;

type FirmDoc = {
  _id: unknown;
  sectorPrimary: string;
  stage?: string | null;
  headcount?: number | null;
  statusHistory: { status: string; on: string }[];
  tips?: { selectedOn?: string | null } | null;
};
type RoundDoc = {
  _id: unknown;
  firm: unknown;
  status: string;
  stage: string;
  amountKrw: number;
  closedOn?: string | null;
};
type AuditDoc = {
  entityId: unknown;
  at: Date;
  action: string;
  changes: { field: string; before?: unknown; after?: unknown }[];
};

const asCount = (v: unknown) =>
  typeof v === 'number' ? v : v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null;

// Headcount changes from the firm's audit entries, in the order they were recorded, each on its day in Seoul.
function headcountChanges(audits: readonly AuditDoc[]): HeadcountChange[] {
  return [...audits]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .flatMap((a) =>
      a.changes
        .filter((c) => c.field === 'headcount')
        .map((c) => ({
          day: seoulToday(a.at),
          before: asCount(c.before),
          after: asCount(c.after),
          created: a.action === 'create',
        })),
    );
}

function factsOf(firm: FirmDoc, rounds: readonly RoundDoc[], audits: readonly AuditDoc[]): FirmFacts {
  return {
    id: String(firm._id),
    sector: firm.sectorPrimary,
    stage: firm.stage,
    headcount: firm.headcount,
    statusHistory: firm.statusHistory.map((s) => ({ status: s.status as FirmStatus, on: s.on })),
    tipsSelectedOn: firm.tips?.selectedOn,
    headcountChanges: headcountChanges(audits),
    rounds: rounds.map((r): RoundFacts => ({
      id: String(r._id),
      status: r.status,
      stage: r.stage,
      amountKrw: r.amountKrw,
      closedOn: r.closedOn,
    })),
  };
}

const byDayThenFirm = (a: Entry, b: Entry) => a.day.localeCompare(b.day) || a.firm.localeCompare(b.firm);
const canonical = (entries: readonly Entry[]) =>
  JSON.stringify([...entries].map((e) => ({ ...e, f: compact(e.f) })).sort(byDayThenFirm));
const toStored = (e: Entry): StoredEntry => ({ firm: new Types.ObjectId(e.firm), day: e.day, f: compact(e.f) });
const fromStored = (e: StoredEntry): Entry => ({ firm: String(e.firm), day: e.day, f: e.f });

const groupByMonth = (entries: readonly Entry[]) => groupBy(entries, (e) => monthOf(e.day));

// A month's figures summed per day (one change a day with entries, in day order): what a report on a day within the
// month adds to the months before it.
function daySums(entries: readonly Entry[]): DaySum[] {
  const byDay = groupBy(entries, (e) => e.day);
  return [...byDay.keys()].sort().map((day) => ({ day, f: compact(sumFigures(byDay.get(day)!.map((e) => e.f))) }));
}

// The reports page's copies of a month (models/report-month.model.ts): its figures, and its figures summed per day,
// from its entries; no entries: the month is gone. Never over a later revision's copy, except when the start-up repair
// makes them again.
async function copyFigures(
  month: string,
  entries: readonly Entry[],
  rev: number,
  { force = false } = {},
): Promise<void> {
  const filter = force ? { _id: month } : { _id: month, rev: { $lte: rev } };
  if (!entries.length) {
    await Promise.all([ReportFiguresModel.deleteOne(filter), ReportDaysModel.deleteOne(filter)]);
    return;
  }
  const figures = { _id: month, figures: compact(sumFigures(entries.map((e) => e.f))), rev };
  const days = { _id: month, days: daySums(entries), rev };
  const replace = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a later revision's copy is there already
    }
  };
  await Promise.all([
    replace(() => ReportFiguresModel.replaceOne(filter, figures, { upsert: true })),
    replace(() => ReportDaysModel.replaceOne(filter, days, { upsert: true })),
  ]);
}

// One month with these firms' entries replaced; retried when another refresh rewrote the month in between.
async function replaceFirmEntries(
  month: string,
  firmIds: string | ReadonlySet<string>,
  entries: readonly Entry[],
): Promise<void> {
  const ids = typeof firmIds === 'string' ? new Set([firmIds]) : firmIds;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await ReportMonthModel.findById(month).lean();
    const stored = ((doc?.entries ?? []) as StoredEntry[]).map(fromStored);
    const mine = stored.filter((e) => ids.has(e.firm));
    if (canonical(mine) === canonical(entries) && (!doc || doc.v === SUMMARY_VERSION)) return;
    const next = [...stored.filter((e) => !ids.has(e.firm)), ...entries].sort(byDayThenFirm);
    const set = { figures: compact(sumFigures(next.map((e) => e.f))), entries: next.map(toStored), v: SUMMARY_VERSION };
    if (!doc) {
      if (!next.length) return;
      try {
        await ReportMonthModel.create({ _id: month, ...set, rev: 0 });
        await copyFigures(month, next, 0);
        return;
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
    }
    // A whole replacement, not $set: FerretDB v1.24.2 skips a $set whose new sub-document holds the same values under
    // other keys ({ none: 1 } → { idea: 1 }), which a month's figures by stage or sector often are.
    const res = next.length
      ? await ReportMonthModel.replaceOne({ _id: month, rev: doc.rev }, { _id: month, ...set, rev: doc.rev + 1 })
      : await ReportMonthModel.deleteOne({ _id: month, rev: doc.rev });
    if (('matchedCount' in res ? res.matchedCount : res.deletedCount) > 0) {
      await copyFigures(month, next, doc.rev + 1);
      return;
    }
  }
  throw new Error(`report month ${month}: gave up after ${MAX_ATTEMPTS} concurrent rewrites`);
}

// Recomputes one firm's part of the monthly summaries after a write to the firm or its rounds (a deleted firm's part is
// removed). Reads the firm, its rounds and its headcount changes; writes only the months whose entries changed.
export async function refreshReportMonths(firmId: string | Types.ObjectId): Promise<void> {
  const id = String(firmId);
  if (!Types.ObjectId.isValid(id)) return;
  const oid = new Types.ObjectId(id);
  const [firm, had] = await Promise.all([
    FirmModel.findById(oid, FIRM_FIELDS).lean<FirmDoc>(),
    ReportMonthModel.find({ 'entries.firm': oid }, { _id: 1 }).lean(),
  ]);
  // Rounds and headcount only count while resident: a firm never resident needs neither read (most of an import's rows).
  const everResident = Boolean(firm?.statusHistory.some((s) => s.status === 'resident'));
  const [rounds, audits] = everResident
    ? await Promise.all([
        FundingRoundModel.find({ firm: oid }, ROUND_FIELDS).lean<RoundDoc[]>(),
        AuditEntryModel.find({ entityId: oid, entity: 'firm', 'changes.field': 'headcount' }, AUDIT_FIELDS).lean<
          AuditDoc[]
        >(),
      ])
    : [[], []];
  const entries = firm ? firmEntries(factsOf(firm, rounds, audits)) : [];
  const byMonth = groupByMonth(entries);
  const months = [...new Set([...had.map((d) => String(d._id)), ...byMonth.keys()])].sort();
  for (const month of months) await replaceFirmEntries(month, id, byMonth.get(month) ?? []);
}

// refreshReportMonths for many firms at once (a bulk import): one $in read per collection for all of them, then one
// rewrite per month where any of them has or had entries.
export async function refreshReportMonthsOf(firmIds: Iterable<string | Types.ObjectId>): Promise<void> {
  const ids = [...new Set([...firmIds].map(String))].filter((id) => Types.ObjectId.isValid(id));
  if (!ids.length) return;
  const oids = ids.map((id) => new Types.ObjectId(id));
  const [firms, had] = await Promise.all([
    FirmModel.find({ _id: { $in: oids } }, FIRM_FIELDS).lean<FirmDoc[]>(),
    ReportMonthModel.find({ 'entries.firm': { $in: oids } }, { _id: 1 }).lean(),
  ]);
  const resident = firms
    .filter((f) => f.statusHistory.some((s) => s.status === 'resident'))
    .map((f) => new Types.ObjectId(String(f._id)));
  const [rounds, audits] = resident.length
    ? await Promise.all([
        FundingRoundModel.find({ firm: { $in: resident } }, ROUND_FIELDS).lean<RoundDoc[]>(),
        AuditEntryModel.find(
          { entityId: { $in: resident }, entity: 'firm', 'changes.field': 'headcount' },
          AUDIT_FIELDS,
        ).lean<AuditDoc[]>(),
      ])
    : [[], []];
  const roundsOf = new Map<string, RoundDoc[]>();
  for (const r of rounds) roundsOf.set(String(r.firm), [...(roundsOf.get(String(r.firm)) ?? []), r]);
  const auditsOf = new Map<string, AuditDoc[]>();
  for (const a of audits) auditsOf.set(String(a.entityId), [...(auditsOf.get(String(a.entityId)) ?? []), a]);
  const entries = firms.flatMap((f) =>
    firmEntries(factsOf(f, roundsOf.get(String(f._id)) ?? [], auditsOf.get(String(f._id)) ?? [])),
  );
  const byMonth = groupByMonth(entries);
  const months = [...new Set([...had.map((d) => String(d._id)), ...byMonth.keys()])].sort();
  const set = new Set(ids);
  for (const month of months) await replaceFirmEntries(month, set, byMonth.get(month) ?? []);
}

// The summaries recounted from scratch: every firm, every round, every headcount change. For the start-up rebuild and
// the test that checks the maintained summaries against it; never on a page.
export async function recountReportMonths(): Promise<MonthSummary[]> {
  const [firms, rounds, audits] = await Promise.all([
    FirmModel.find({}, FIRM_FIELDS).lean<FirmDoc[]>(),
    FundingRoundModel.find({}, ROUND_FIELDS).lean<RoundDoc[]>(),
    AuditEntryModel.find({ entity: 'firm', 'changes.field': 'headcount' }, AUDIT_FIELDS).lean<AuditDoc[]>(),
  ]);
  const group = <T extends object>(docs: readonly T[], key: (d: T) => unknown) => {
    const out = new Map<string, T[]>();
    for (const d of docs) out.set(String(key(d)), [...(out.get(String(key(d))) ?? []), d]);
    return out;
  };
  const roundsOf = group(rounds, (r) => r.firm);
  const auditsOf = group(audits, (a) => a.entityId);
  const entries = firms.flatMap((f) =>
    firmEntries(factsOf(f, roundsOf.get(String(f._id)) ?? [], auditsOf.get(String(f._id)) ?? [])),
  );
  return [...groupByMonth(entries)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, list]) => {
      const sorted = [...list].sort(byDayThenFirm).map((e) => ({ ...e, f: compact(e.f) }));
      return { month, figures: compact(sumFigures(sorted.map((e) => e.f))), entries: sorted };
    });
}

// The summaries as stored, in the same shape as the recount.
export async function storedReportMonths(): Promise<MonthSummary[]> {
  const docs = await ReportMonthModel.find({}).sort({ _id: 1 }).lean();
  return docs.map((d) => ({
    month: String(d._id),
    figures: compact(d.figures as FigureChange),
    entries: (d.entries as StoredEntry[])
      .map(fromStored)
      .map((e) => ({ ...e, f: compact(e.f) }))
      .sort(byDayThenFirm),
  }));
}

// Replaces every month with the recount (start-up, when the summaries are missing or from an older computation).
async function rebuildReportMonths(): Promise<number> {
  const months = await recountReportMonths();
  for (const m of months) {
    const rev = ((await ReportMonthModel.findById(m.month, { rev: 1 }).lean())?.rev ?? 0) + 1;
    await ReportMonthModel.replaceOne(
      { _id: m.month },
      { _id: m.month, figures: m.figures, entries: m.entries.map(toStored), rev, v: SUMMARY_VERSION },
      { upsert: true },
    );
    await copyFigures(m.month, m.entries, rev, { force: true });
  }
  await ReportMonthModel.deleteMany({ _id: { $nin: months.map((m) => m.month) } });
  await ReportFiguresModel.deleteMany({ _id: { $nin: months.map((m) => m.month) } });
  await ReportDaysModel.deleteMany({ _id: { $nin: months.map((m) => m.month) } });
  return months.length;
}

// Start-up: the reports page's copies that missed their month's last write (a crash in between) or belong to no month
// any more are made again from the months.
export async function repairFigureCopies(): Promise<number> {
  const [months, figureCopies, dayCopies] = await Promise.all([
    ReportMonthModel.find({}, { rev: 1 }).lean(),
    ReportFiguresModel.find({}, { rev: 1 }).lean(),
    ReportDaysModel.find({}, { rev: 1 }).lean(),
  ]);
  const revs = (copies: { _id: unknown; rev: number }[]) => new Map(copies.map((c) => [String(c._id), c.rev]));
  const [figuresAt, daysAt] = [revs(figureCopies), revs(dayCopies)];
  const stale = months
    .filter((m) => figuresAt.get(String(m._id)) !== m.rev || daysAt.get(String(m._id)) !== m.rev)
    .map((m) => String(m._id));
  for (const month of stale) {
    const doc = await ReportMonthModel.findById(month, { entries: 1, rev: 1 }).lean();
    if (doc) await copyFigures(month, (doc.entries as StoredEntry[]).map(fromStored), doc.rev, { force: true });
  }
  const monthIds = new Set(months.map((m) => String(m._id)));
  const orphans = [...new Set([...figuresAt.keys(), ...daysAt.keys()])].filter((id) => !monthIds.has(id));
  if (orphans.length)
    await Promise.all([
      ReportFiguresModel.deleteMany({ _id: { $in: orphans } }),
      ReportDaysModel.deleteMany({ _id: { $in: orphans } }),
    ]);
  return stale.length + orphans.length;
}

// Start-up: rebuild when a month was written by an older computation, or when there are firms but no summaries yet
// (a database from before the reports, or data written straight into the collections such as the demo seed).
export async function ensureReportMonths(): Promise<number | undefined> {
  const outdated = await ReportMonthModel.countDocuments({ v: { $ne: SUMMARY_VERSION } });
  const missing =
    (await ReportMonthModel.estimatedDocumentCount()) === 0 && (await FirmModel.estimatedDocumentCount()) > 0;
  if (outdated > 0 || missing) return rebuildReportMonths();
  await repairFigureCopies();
  return undefined;
}

// The ledger a report on these days needs: every month's figures up to the last day, and the day sums of only the months
// the days fall in mid-month, both from the small copies (a month's own document holds every firm's entries).
export async function loadLedger(days: readonly Day[]): Promise<Ledger> {
  const last = [...days].sort().at(-1);
  const filter = last ? { _id: { $lte: monthOf(last) } } : {};
  const need = monthsNeeding(days);
  const [months, withDays] = await Promise.all([
    ReportFiguresModel.find(filter, { figures: 1 }).lean(),
    need.length ? ReportDaysModel.find({ _id: { $in: need } }, { days: 1 }).lean() : Promise.resolve([]),
  ]);
  return new Ledger(
    new Map(months.map((m) => [String(m._id), m.figures as FigureChange])),
    new Map(
      withDays.map((m) => [String(m._id), ((m.days ?? []) as DaySum[]).map((d) => ({ firm: '', day: d.day, f: d.f }))]),
    ),
  );
}
