import type { Day } from './cohort-count.js';

const pad = (n: number) => String(n).padStart(2, '0');
const parts = (day: Day) => day.split('-').map(Number) as [number, number, number];
const toDay = (d: Date): Day => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

// The same day n months later (or earlier), clamped to the month's last day: 2026-03-31 − 1 month = 2026-02-28.
export function addMonths(day: Day, n: number): Day {
  const [y, m, d] = parts(day);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return toDay(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))));
}

// Months between two days, with the part of a month as a fraction of 30.4375 days (the mean month).
export function monthsBetween(from: Day, to: Day): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return (y2 - y1) * 12 + (m2 - m1) + (d2 - d1) / 30.4375;
}

// The last day of each month from `from`'s month to `to`'s month; the last one is `to` itself.
export function monthEnds(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  let [y, m] = parts(from);
  const [ty, tm] = parts(to);
  while (y < ty || (y === ty && m <= tm)) {
    const end = toDay(new Date(Date.UTC(y, m, 0)));
    out.push(end < to ? end : to);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

// The quarter a day falls in, as "2026-Q3".
export const quarterOf = (day: Day): string => `${day.slice(0, 4)}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;

export function endOfQuarterBefore(day: Day): Day {
  const [y, m] = parts(day);
  const q = Math.ceil(m / 3);
  return toDay(new Date(Date.UTC(y, (q - 1) * 3, 0)));
}

// The day n days later (or earlier).
export function addDays(day: Day, n: number): Day {
  const [y, m, d] = parts(day);
  return toDay(new Date(Date.UTC(y, m - 1, d + n)));
}

// The first day of a quarter ("2026-Q3" → 2026-07-01) and its last (2026-09-30).
export function quarterStart(quarter: string): Day {
  const q = Number(quarter.slice(6));
  return `${quarter.slice(0, 4)}-${pad((q - 1) * 3 + 1)}-01`;
}
export const quarterEnd = (quarter: string): Day => addDays(addMonths(quarterStart(quarter), 3), -1);

// The quarters from `from`'s to `to`'s, in order.
export function quartersBetween(from: Day, to: Day): string[] {
  const out: string[] = [];
  for (let q = quarterOf(from); q <= quarterOf(to); q = quarterOf(addMonths(quarterStart(q), 3))) out.push(q);
  return out;
}
