import type { MatchStage } from '../../models/enums.js';
import { seoulToday } from '../lib/dates.js';

// The pipeline a match moves along, one step at a time; passed and invested close it, on-hold pauses it.
export const PIPELINE: readonly MatchStage[] = [
  'suggested',
  'intro-requested',
  'introduced',
  'meeting',
  'due-diligence',
  'term-sheet',
  'invested',
];
const CLOSED_STAGES: readonly MatchStage[] = ['invested', 'passed'];
export const OPEN_STAGES: readonly MatchStage[] = [
  'suggested',
  'intro-requested',
  'introduced',
  'meeting',
  'due-diligence',
  'term-sheet',
  'on-hold',
];

export const isOpen = (stage: MatchStage) => !CLOSED_STAGES.includes(stage);

export type StageChange = { stage: MatchStage; at: Date; cycle: number };

// The stage a match on hold returns to: the last one it was in before it was put on hold.
export function stageBeforeHold(history: readonly StageChange[]): MatchStage | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.stage !== 'on-hold') return history[i]!.stage;
  return undefined;
}

export type MoveVerdict =
  { ok: true } | { ok: false; reason: 'closed' | 'same' | 'skips' | 'backwards' | 'notFromHold' };

// Allowed moves: the next pipeline stage (an introduction may be made without the investor asking for it first), passed
// or on-hold from any open stage, and from on-hold back to where it was. Everything else is refused with a reason.
export function checkMove(history: readonly StageChange[], to: MatchStage): MoveVerdict {
  const from = history[history.length - 1]?.stage ?? 'suggested';
  if (!isOpen(from)) return { ok: false, reason: 'closed' };
  if (to === from) return { ok: false, reason: 'same' };
  if (to === 'passed' || to === 'on-hold') return { ok: true };
  if (from === 'on-hold') return to === stageBeforeHold(history) ? { ok: true } : { ok: false, reason: 'notFromHold' };
  const i = PIPELINE.indexOf(from);
  const j = PIPELINE.indexOf(to);
  if (j <= i) return { ok: false, reason: 'backwards' };
  if (j === i + 1 || (from === 'suggested' && to === 'introduced')) return { ok: true };
  return { ok: false, reason: 'skips' };
}

// The stages a user may move a match to next, in pipeline order (for the move form).
export function nextStages(history: readonly StageChange[]): MatchStage[] {
  const all: MatchStage[] = [...PIPELINE, 'on-hold', 'passed'];
  return all.filter((s) => checkMove(history, s).ok);
}

const DAY_MS = 24 * 3600 * 1000;

// Days the match has been in its current stage, by Seoul's calendar as its due day is (moved yesterday evening: one
// day this morning). A card's figure then changes only at midnight, so a board drawn for a day stays right all day.
export function daysInStage(history: readonly StageChange[], now: Date): number {
  const last = history[history.length - 1];
  if (!last) return 0;
  const days = (Date.parse(seoulToday(now)) - Date.parse(seoulToday(last.at))) / DAY_MS;
  return Math.max(0, Math.round(days));
}

// Days spent in each stage it has left (of every cycle), for the funnel's median days per stage.
export function stageDurations(history: readonly StageChange[]): { stage: MatchStage; days: number }[] {
  const out: { stage: MatchStage; days: number }[] = [];
  for (let i = 0; i + 1 < history.length; i++) {
    const a = history[i]!;
    const b = history[i + 1]!;
    if (a.cycle !== b.cycle) continue;
    out.push({ stage: a.stage, days: (b.at.getTime() - a.at.getTime()) / DAY_MS });
  }
  return out;
}

// When the investor said in the portal that it is interested, while that is still news: the match is open and still a
// suggestion (once staff move it on, the stage says more). The portal shows it in the stage's place; staff see a badge.
export const interestShown = (match: {
  open: boolean;
  stage: MatchStage;
  interestAt?: Date | null;
}): Date | undefined => (match.open && match.stage === 'suggested' && match.interestAt ? match.interestAt : undefined);

export type InvestorAnswers = { interest: boolean; introRequest: boolean; pass: boolean };

// What an investor may still answer in the portal. With no open match every answer starts one (or reopens a closed one).
// On an open match: interest until it is said, while the match is still a suggestion; an introduction while the match
// may move to "intro-requested"; a pass while talks are open.
export function investorAnswers(
  match?: { open: boolean; stage: MatchStage; interestAt?: Date | null; history: readonly StageChange[] } | null,
): InvestorAnswers {
  if (!match || !match.open) return { interest: true, introRequest: true, pass: true };
  return {
    interest: match.stage === 'suggested' && !match.interestAt,
    introRequest: checkMove(match.history, 'intro-requested').ok,
    pass: true,
  };
}
