import type { MatchStage } from '../../models/enums.js';
import { MATCH_STAGES } from '../../models/enums.js';
import { PIPELINE, stageDurations, type StageChange } from '../matches/match-stages.js';
import { addDays } from './calendar.js';
import type { Day } from './cohort-count.js';

export type FunnelRow = {
  stage: MatchStage;
  reached: number;
  current: number;
  pctOfIntroduced: number | null;
  medianDays: number | null;
};

// The last instant of a calendar day in Seoul (UTC+9, no daylight saving).
const endOfSeoulDay = (day: Day): Date => new Date(Date.parse(`${addDays(day, 1)}T00:00:00+09:00`) - 1);

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

// The deal-flow funnel on day D, from each match's stage history up to the end of D (so a past day reads the same later):
// - reached: matches that got to the stage or further along the pipeline (an introduction made without a request counts
//   as past "intro requested"); passed and on hold: matches that were ever there;
// - current: matches in the stage at the end of D;
// - pctOfIntroduced: reached as a share of the matches introduced (the invested row is the conversion introduction → investment);
// - medianDays: the median days spent in the stage by the matches that left it by D (match-stages.ts stageDurations).
export function funnelOn(matches: readonly { history: readonly StageChange[] }[], day: Day): FunnelRow[] {
  const end = endOfSeoulDay(day).getTime();
  const reached = new Map<MatchStage, number>();
  const current = new Map<MatchStage, number>();
  const durations = new Map<MatchStage, number[]>();
  for (const match of matches) {
    const history = match.history.filter((h) => h.at.getTime() <= end);
    if (!history.length) continue;
    const furthest = Math.max(...history.map((h) => PIPELINE.indexOf(h.stage)));
    for (const stage of MATCH_STAGES) {
      const i = PIPELINE.indexOf(stage);
      if (i >= 0 ? i <= furthest : history.some((h) => h.stage === stage))
        reached.set(stage, (reached.get(stage) ?? 0) + 1);
    }
    const now = history.at(-1)!.stage;
    current.set(now, (current.get(now) ?? 0) + 1);
    for (const d of stageDurations(history)) durations.set(d.stage, [...(durations.get(d.stage) ?? []), d.days]);
  }
  const introduced = reached.get('introduced') ?? 0;
  const introIndex = PIPELINE.indexOf('introduced');
  return MATCH_STAGES.map((stage) => {
    const n = reached.get(stage) ?? 0;
    const afterIntro = PIPELINE.indexOf(stage) >= introIndex;
    return {
      stage,
      reached: n,
      current: current.get(stage) ?? 0,
      pctOfIntroduced: afterIntro && introduced > 0 ? round1((n / introduced) * 100) : null,
      medianDays: round1(median(durations.get(stage) ?? [])),
    };
  });
}
