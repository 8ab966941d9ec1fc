import { expect } from 'chai';
import {
  checkMove,
  daysInStage,
  investorAnswers,
  nextStages,
  stageBeforeHold,
  stageDurations,
  type StageChange,
} from '../../../server/matches/match-stages.js';
import { MATCH_STAGES, type MatchStage } from '../../../models/enums.js';

const at = (day: number) => new Date(Date.UTC(2026, 0, 1 + day));
const path = (...stages: MatchStage[]): StageChange[] =>
  stages.map((stage, i) => ({ stage, at: at(i * 10), cycle: 1 }));

describe('match stage moves', () => {
  const allowed: Array<[MatchStage[], MatchStage]> = [
    [['suggested'], 'intro-requested'],
    [['suggested'], 'introduced'],
    [['suggested', 'intro-requested'], 'introduced'],
    [['suggested', 'introduced'], 'meeting'],
    [['suggested', 'introduced', 'meeting'], 'due-diligence'],
    [['suggested', 'introduced', 'meeting', 'due-diligence'], 'term-sheet'],
    [['suggested', 'introduced', 'meeting', 'due-diligence', 'term-sheet'], 'invested'],
    [['suggested'], 'passed'],
    [['suggested', 'introduced', 'meeting'], 'on-hold'],
    [['suggested', 'introduced', 'meeting', 'on-hold'], 'meeting'],
    [['suggested', 'introduced', 'meeting', 'on-hold'], 'passed'],
  ];
  for (const [history, to] of allowed) {
    it(`allows ${history.join(' → ')} → ${to}`, () =>
      expect(checkMove(path(...history), to)).to.deep.equal({ ok: true }));
  }

  const refused: Array<[MatchStage[], MatchStage, string]> = [
    [['suggested'], 'invested', 'skips'],
    [['suggested'], 'meeting', 'skips'],
    [['suggested', 'introduced'], 'term-sheet', 'skips'],
    [['suggested', 'introduced', 'meeting'], 'introduced', 'backwards'],
    [['suggested'], 'suggested', 'same'],
    [['suggested', 'passed'], 'introduced', 'closed'],
    [['suggested', 'passed'], 'on-hold', 'closed'],
    [['suggested', 'introduced', 'meeting', 'due-diligence', 'term-sheet', 'invested'], 'passed', 'closed'],
    [['suggested', 'introduced', 'meeting', 'on-hold'], 'due-diligence', 'notFromHold'],
    [['suggested', 'introduced', 'on-hold'], 'on-hold', 'same'],
  ];
  for (const [history, to, reason] of refused) {
    it(`refuses ${history.join(' → ')} → ${to} (${reason})`, () =>
      expect(checkMove(path(...history), to)).to.deep.equal({ ok: false, reason }));
  }

  it('every stage is either reachable from suggested step by step or refused with a reason', () => {
    for (const to of MATCH_STAGES) {
      const v = checkMove(path('suggested'), to);
      expect(v.ok || ['skips', 'same'].includes(v.reason)).to.equal(true);
    }
  });

  it('offers only the allowed next stages, in pipeline order', () => {
    expect(nextStages(path('suggested'))).to.deep.equal(['intro-requested', 'introduced', 'on-hold', 'passed']);
    expect(nextStages(path('suggested', 'introduced', 'on-hold'))).to.deep.equal(['introduced', 'passed']);
    expect(nextStages(path('suggested', 'passed'))).to.deep.equal([]);
  });

  it('a match on hold returns to the stage before the hold', () => {
    expect(stageBeforeHold(path('suggested', 'introduced', 'meeting', 'on-hold'))).to.equal('meeting');
  });
});

describe('time in stage', () => {
  it('counts whole days since the last move', () => {
    expect(daysInStage(path('suggested', 'introduced'), new Date(at(10).getTime() + 3.5 * 86400000))).to.equal(3);
    expect(daysInStage([], at(5))).to.equal(0);
  });

  it("counts Seoul's calendar days: moved late in the evening, one day the next morning; early, none that night", () => {
    const moved = (iso: string) => [{ stage: 'meeting' as const, at: new Date(iso), cycle: 1 }];
    // 23:30 in Seoul on 1 March, then 00:30 on 2 March
    expect(daysInStage(moved('2026-03-01T14:30:00Z'), new Date('2026-03-01T15:30:00Z'))).to.equal(1);
    // 00:30 in Seoul on 2 March, then 23:30 the same day
    expect(daysInStage(moved('2026-03-01T15:30:00Z'), new Date('2026-03-02T14:30:00Z'))).to.equal(0);
  });

  it('measures each stage left, within a cycle only', () => {
    const history: StageChange[] = [
      { stage: 'suggested', at: at(0), cycle: 1 },
      { stage: 'introduced', at: at(4), cycle: 1 },
      { stage: 'passed', at: at(10), cycle: 1 },
      { stage: 'suggested', at: at(100), cycle: 2 },
      { stage: 'introduced', at: at(102), cycle: 2 },
    ];
    expect(stageDurations(history)).to.deep.equal([
      { stage: 'suggested', days: 4 },
      { stage: 'introduced', days: 6 },
      { stage: 'suggested', days: 2 },
    ]);
  });
});

describe('what an investor may still answer in the portal', () => {
  const match = (stages: MatchStage[], interestAt?: Date) => {
    const history = path(...stages);
    const stage = stages.at(-1)!;
    return { history, stage, open: stage !== 'passed' && stage !== 'invested', interestAt };
  };
  const table: Array<[string, ReturnType<typeof match> | undefined, string]> = [
    ['no match yet', undefined, 'interest intro pass'],
    ['a suggestion', match(['suggested']), 'interest intro pass'],
    ['a suggestion it said it is interested in', match(['suggested'], at(1)), 'intro pass'],
    ['an introduction it asked for', match(['suggested', 'intro-requested']), 'pass'],
    ['a meeting', match(['suggested', 'introduced', 'meeting']), 'pass'],
    ['a suggestion staff put on hold', match(['suggested', 'on-hold']), 'pass'],
    ['a term sheet', match(['suggested', 'introduced', 'meeting', 'due-diligence', 'term-sheet']), 'pass'],
    ['talks it passed on (a new answer reopens them)', match(['suggested', 'passed'], at(1)), 'interest intro pass'],
  ];
  for (const [name, m, expected] of table) {
    it(`${name}: ${expected}`, () => {
      const may = investorAnswers(m);
      const shown = [may.interest && 'interest', may.introRequest && 'intro', may.pass && 'pass'].filter(Boolean);
      expect(shown.join(' ')).to.equal(expected);
    });
  }
});
