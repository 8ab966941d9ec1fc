import { residencyIntervals, residentOn, type Day, type ResidencyInterval, type StatusEntry } from './cohort-count.js';
import { addDays } from './calendar.js';
import type { Entry, FigureChange } from './report-figures.js';

// A recorded change of a firm's headcount (from its audit log): the day it was recorded, the values before and after, and
// whether it was the firm's creation (then there was no "before").
export type HeadcountChange = { day: Day; before?: number | null; after?: number | null; created?: boolean };

export type RoundFacts = { id: string; status: string; stage: string; amountKrw: number; closedOn?: string | null };

// What the reports need of one firm, read from its document, its rounds and its audit log.
export type FirmFacts = {
  id: string;
  sector: string;
  stage?: string | null;
  headcount?: number | null;
  statusHistory: readonly StatusEntry[];
  tipsSelectedOn?: string | null;
  headcountChanges: readonly HeadcountChange[];
  rounds: readonly RoundFacts[];
};

export const NO_STAGE = 'none';

// The firm's headcount on a day, from its recorded changes (in the order recorded): the value after the last change on
// or before the day; before the first change, the value it replaced (or, when the first change created the firm, the
// value it was created with). A firm whose headcount was never recorded as changed has its current one throughout.
export function headcountOn(
  changes: readonly HeadcountChange[],
  current: number | null | undefined,
): (day: Day) => number {
  return (day) => {
    let value: number | null | undefined;
    let seen = false;
    for (const c of changes) {
      if (c.day > day) break;
      value = c.after;
      seen = true;
    }
    if (!seen) {
      const first = changes[0];
      value = first ? (first.created ? first.after : first.before) : current;
    }
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  };
}

// A round is closed on a day when its status is closed and it has a closing date; earlier ones first (then by id).
const closedRounds = (rounds: readonly RoundFacts[]) =>
  rounds
    .filter((r): r is RoundFacts & { closedOn: string } => r.status === 'closed' && Boolean(r.closedOn))
    .sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.id.localeCompare(b.id));

// Spells joined where one starts on or before the day the previous ended (the firm was resident throughout).
function joined(spells: readonly ResidencyInterval[]): ResidencyInterval[] {
  const out: ResidencyInterval[] = [];
  for (const spell of spells) {
    const last = out[out.length - 1];
    if (last && last.to !== undefined && spell.from <= last.to)
      last.to = spell.to === undefined || spell.to > last.to ? spell.to : last.to;
    else out.push({ ...spell });
  }
  return out;
}

// Every change one firm makes to the report figures, each on its day (server/reports/report-figures.ts):
// - residency (the counting rule of cohort-count.ts): +1 resident and its headcount on the first day of each spell,
//   −1 and its headcount the day after the spell's last day; a headcount change during a spell changes jobs that day;
// - a closed round closed while the firm was resident: its amount, by round stage; a follow-on when the firm had closed
//   an earlier round (resident or not);
// - a TIPS selection on its selection day (any firm of the registry).
export function firmEntries(firm: FirmFacts): Entry[] {
  const out: Entry[] = [];
  const add = (day: Day, f: FigureChange) => out.push({ firm: firm.id, day, f });
  const hc = headcountOn(firm.headcountChanges, firm.headcount);
  const stage = firm.stage || NO_STAGE;
  const changeDays = [...new Set(firm.headcountChanges.map((c) => c.day))].sort();
  const spells = residencyIntervals(firm.statusHistory);
  // Admissions and departures count every spell (movesBetween), even one that ends the day the next starts.
  for (const spell of spells) {
    add(spell.from, { admissions: 1 });
    if (spell.to !== undefined) add(spell.to, { departures: 1 });
  }
  // Residents and jobs count the firm once a day: spells that touch (left and came back the same day) are one stay.
  for (const stay of joined(spells)) {
    add(stay.from, {
      residents: 1,
      jobs: hc(stay.from),
      residentsBySector: { [firm.sector]: 1 },
      residentsByStage: { [stage]: 1 },
    });
    for (const day of changeDays) {
      if (day <= stay.from || (stay.to !== undefined && day > stay.to)) continue;
      const delta = hc(day) - hc(addDays(day, -1));
      if (delta) add(day, { jobs: delta });
    }
    if (stay.to !== undefined)
      add(addDays(stay.to, 1), {
        residents: -1,
        jobs: -hc(stay.to),
        residentsBySector: { [firm.sector]: -1 },
        residentsByStage: { [stage]: -1 },
      });
  }
  closedRounds(firm.rounds).forEach((round, i) => {
    if (!residentOn(firm.statusHistory, round.closedOn)) return;
    add(round.closedOn, {
      raisedKrw: round.amountKrw,
      rounds: 1,
      followOns: i > 0 ? 1 : 0,
      raisedByStage: { [round.stage]: round.amountKrw },
    });
  });
  if (firm.tipsSelectedOn) add(firm.tipsSelectedOn, { tipsSelections: 1 });
  return out;
}
