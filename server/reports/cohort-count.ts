import type { FirmStatus } from '../../models/enums.js';

// A calendar day as YYYY-MM-DD (Asia/Seoul); such strings compare correctly as text.
export type Day = string;
export type StatusEntry = { status: FirmStatus; on: Day };

export type ResidencyInterval = { from: Day; to?: Day };

// The spells a firm was resident, from its status history: each starts on the day it became resident and ends on the day
// it next changed to another status (that day still counts: "not ended before D"). A firm that leaves and comes back
// has two spells. Entries are taken in the order they were recorded.
export function residencyIntervals(history: readonly StatusEntry[]): ResidencyInterval[] {
  const out: ResidencyInterval[] = [];
  let open: ResidencyInterval | undefined;
  for (const entry of history) {
    if (entry.status === 'resident') {
      if (!open) open = { from: entry.on };
    } else if (open) {
      out.push({ from: open.from, to: entry.on });
      open = undefined;
    }
  }
  if (open) out.push(open);
  return out;
}

// The counting rule for the cohort target: a firm counts on day D when its history has it resident on D — resident
// effective on or before D, and not ended before D.
export function residentOn(history: readonly StatusEntry[], day: Day): boolean {
  return residencyIntervals(history).some((i) => i.from <= day && (i.to === undefined || i.to >= day));
}

export function countResidentOn(firms: readonly { statusHistory: readonly StatusEntry[] }[], day: Day): number {
  return firms.filter((f) => residentOn(f.statusHistory, day)).length;
}

// Admissions (a spell starts) and departures (a spell ends) within [from, to].
export function movesBetween(
  history: readonly StatusEntry[],
  from: Day,
  to: Day,
): { admissions: number; departures: number } {
  let admissions = 0;
  let departures = 0;
  for (const spell of residencyIntervals(history)) {
    if (spell.from >= from && spell.from <= to) admissions++;
    if (spell.to !== undefined && spell.to >= from && spell.to <= to) departures++;
  }
  return { admissions, departures };
}
