import type { InvestorType, MatchStage, Sector } from '../../models/enums.js';
import { isOpen } from './match-stages.js';

// Pure rules of the deal-flow pages: which matches a filter selects, and the order of someone's follow-ups.

export type MatchFilters = { owner?: string; sector?: Sector; type?: InvestorType; overdue?: '1'; stage?: MatchStage };

// Equality on the match's own indexed and denormalised fields (open, stage, owner; firmSector and investorType are
// copied onto the match), so no firm or investor is read to filter. Without a stage: the open matches.
export function matchFilter(f: MatchFilters, today: string): Record<string, unknown> {
  const filter: Record<string, unknown> = { open: f.stage ? isOpen(f.stage) : true };
  if (f.stage) filter.stage = f.stage;
  if (f.owner) filter.owner = f.owner;
  if (f.sector) filter.firmSector = f.sector;
  if (f.type) filter.investorType = f.type;
  if (f.overdue) filter.dueOn = { $lt: today };
  return filter;
}

// A due day (YYYY-MM-DD, Seoul) before today's.
export const isOverdue = (dueOn: string | null | undefined, today: string): boolean => Boolean(dueOn) && dueOn! < today;

// Follow-ups: overdue first (oldest first), then the ones due from today on (soonest first), then those without a date;
// equal days by id so the order is stable.
export function followUpOrder<T extends { _id: unknown; dueOn?: string | null }>(
  rows: readonly T[],
  today: string,
): T[] {
  const rank = (r: T) => (isOverdue(r.dueOn, today) ? 0 : r.dueOn ? 1 : 2);
  return [...rows].sort(
    (a, b) =>
      rank(a) - rank(b) || (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || String(a._id).localeCompare(String(b._id)),
  );
}
