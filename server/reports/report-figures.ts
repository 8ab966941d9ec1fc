import type { Day } from './cohort-count.js';
import { addDays } from './calendar.js';
import { byCodeUnits } from '../lib/names.js';

// What the reports add up. Every field is a change that happens on a day; a figure "as of D" is the sum of all changes
// on or before D. `residents` and `jobs` change +n when a spell of residency starts and −n the day after it ends (the
// last day still counts); `admissions`/`departures` count on the first and last day of a spell; the money, round and
// TIPS fields count on the closing or selection day. The by-keys split a figure by round stage, sector or firm stage.
export type Figures = {
  residents: number;
  jobs: number;
  admissions: number;
  departures: number;
  raisedKrw: number;
  rounds: number;
  followOns: number;
  tipsSelections: number;
  raisedByStage: Record<string, number>;
  residentsBySector: Record<string, number>;
  residentsByStage: Record<string, number>;
};
export type FigureChange = Partial<Figures>;

// One firm's change on one day: the unit the monthly summaries are built from.
export type Entry = { firm: string; day: Day; f: FigureChange };

const SCALAR_FIGURES = [
  'residents',
  'jobs',
  'admissions',
  'departures',
  'raisedKrw',
  'rounds',
  'followOns',
  'tipsSelections',
] as const;
const KEYED_FIGURES = ['raisedByStage', 'residentsBySector', 'residentsByStage'] as const;

const emptyFigures = (): Figures => ({
  residents: 0,
  jobs: 0,
  admissions: 0,
  departures: 0,
  raisedKrw: 0,
  rounds: 0,
  followOns: 0,
  tipsSelections: 0,
  raisedByStage: {},
  residentsBySector: {},
  residentsByStage: {},
});

// Adds (sign 1) or subtracts (−1) a change into `into`, in place.
// Loops over keys without Object.entries' arrays: a report adds figures a few thousand times per page.
function addInto(into: Figures, change: FigureChange, sign = 1): Figures {
  for (const k of SCALAR_FIGURES) {
    const n = change[k];
    if (n) into[k] += sign * n;
  }
  for (const k of KEYED_FIGURES) {
    const by = change[k];
    if (!by) continue;
    const target = into[k];
    for (const key of Object.keys(by)) target[key] = (target[key] ?? 0) + sign * by[key]!;
  }
  return into;
}

export const sumFigures = (changes: Iterable<FigureChange>): Figures => {
  const total = emptyFigures();
  for (const c of changes) addInto(total, c);
  return total;
};

// Without zeros, for storage and comparison (a month's figures equal however its entries were ordered).
export function compact(f: FigureChange): FigureChange {
  const out: FigureChange = {};
  for (const k of SCALAR_FIGURES) if (f[k]) out[k] = f[k];
  for (const k of KEYED_FIGURES) {
    const keys = Object.entries(f[k] ?? {})
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => a.localeCompare(b));
    if (keys.length) out[k] = Object.fromEntries(keys);
  }
  return out;
}

export const monthOf = (day: Day): string => day.slice(0, 7);

// The figures of a set of months: each month's sum, and its entries where they have been loaded. A day's figure needs the
// entries of its own month unless it is the month's last day, so a report loads every month's sum (one small document per
// month) and the entries of only the few months its days fall in.
export class Ledger {
  private readonly monthKeys: string[];
  // The sum of every month before monthKeys[i], made once: a report asks for a figure on a few hundred days, and adding
  // up every earlier month for each was most of the reports page's own time.
  private readonly sumsBefore: Figures[];
  private readonly running = new Map<string, { days: Day[]; sums: Figures[] }>();

  constructor(
    private readonly months: ReadonlyMap<string, FigureChange>,
    private readonly entries: ReadonlyMap<string, readonly Entry[]> = new Map(),
  ) {
    this.monthKeys = [...months.keys()].sort();
    this.sumsBefore = [emptyFigures()];
    for (const m of this.monthKeys)
      this.sumsBefore.push(addInto(sumFigures([this.sumsBefore.at(-1)!]), months.get(m)!));
  }

  // Everything on or before `day`.
  upTo(day: Day): Figures {
    const month = monthOf(day);
    let i = this.monthKeys.findIndex((m) => m >= month);
    if (i === -1) i = this.monthKeys.length;
    const total = sumFigures([this.sumsBefore[i]!]);
    if (!this.months.has(month)) return total;
    if (monthOf(addDays(day, 1)) !== month) return addInto(total, this.months.get(month)!);
    const running = this.runningSums(month);
    // The last day of the month's entries on or before `day` (binary search: the days are ascending).
    let lo = 0;
    let hi = running.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (running.days[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo ? addInto(total, running.sums[lo - 1]!) : total;
  }

  // A loaded month's entries as running sums: its days with entries, ascending, and the month's figures through each.
  // Made once per month: a report asks for a day's figure a few hundred times, and adding up the month's entries for
  // each was most of the reports page's remaining time (a month of the town has a few hundred entries).
  private runningSums(month: string): { days: Day[]; sums: Figures[] } {
    const made = this.running.get(month);
    if (made) return made;
    const entries = this.entries.get(month);
    if (!entries) throw new Error(`report ledger: the entries of ${month} were not loaded`);
    const days: Day[] = [];
    const sums: Figures[] = [];
    const total = emptyFigures();
    const sorted = [...entries].sort((a, b) => byCodeUnits(a.day, b.day));
    sorted.forEach((e, i) => {
      addInto(total, e.f);
      // A day's sum once all its entries are in.
      if (sorted[i + 1]?.day !== e.day) {
        days.push(e.day);
        sums.push(sumFigures([total]));
      }
    });
    const out = { days, sums };
    this.running.set(month, out);
    return out;
  }

  // Everything from `from` to `to`, both days included.
  between(from: Day, to: Day): Figures {
    return addInto(this.upTo(to), this.upTo(addDays(from, -1)), -1);
  }

  // The first month with any figures (undefined when there are none).
  get firstMonth(): string | undefined {
    return this.monthKeys[0];
  }
}

// The months whose entries a report on these days needs (see Ledger).
export function monthsNeeding(days: Iterable<Day>): string[] {
  return [...new Set([...days].filter((d) => monthOf(addDays(d, 1)) === monthOf(d)).map(monthOf))].sort();
}
