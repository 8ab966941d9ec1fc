import { expect } from 'chai';
import { defaultRestartPolicy, planRestart, type RestartPolicy } from '../../../server/db/restart-policy.js';

const policy: RestartPolicy = {
  maxAttempts: 4,
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 3000,
  stableAfterMs: 60_000,
};

// Replays a child that keeps dying after uptimeMs, as the supervisor does: each decision's attempt becomes the next count.
function replay(p: RestartPolicy, uptimes: number[]) {
  let failures = 0;
  return uptimes.map((uptime) => {
    const decision = planRestart(p, failures, uptime);
    if (decision.action === 'restart') failures = decision.attempt;
    return decision;
  });
}

describe('database restart policy', () => {
  it('when the child keeps dying at once, then it is restarted after growing delays up to the cap, then given up on', () => {
    expect(replay(policy, [0, 0, 0, 0, 0])).to.deep.equal([
      { action: 'restart', attempt: 1, delayMs: 500 },
      { action: 'restart', attempt: 2, delayMs: 1000 },
      { action: 'restart', attempt: 3, delayMs: 2000 },
      { action: 'restart', attempt: 4, delayMs: 3000 },
      { action: 'give-up', attempts: 4 },
    ]);
  });

  it('when a restarted child ran for the stable time before dying, then the count starts again', () => {
    const decisions = replay(policy, [0, 0, 0, 60_000, 0]);
    expect(decisions[3]).to.deep.equal({ action: 'restart', attempt: 1, delayMs: 500 });
    expect(decisions[4]).to.deep.equal({ action: 'restart', attempt: 2, delayMs: 1000 });
  });

  it('when a restarted child dies before the stable time, then it counts as another failure in a row', () => {
    expect(replay(policy, [0, 59_999, 59_999, 59_999, 59_999]).at(-1)).to.deep.equal({
      action: 'give-up',
      attempts: 4,
    });
  });

  it('when the default policy gives up, then the retries have taken about 15 s in five attempts', () => {
    const decisions = replay(defaultRestartPolicy, [0, 0, 0, 0, 0, 0]);
    const delays = decisions.flatMap((d) => (d.action === 'restart' ? [d.delayMs] : []));
    expect(delays).to.deep.equal([500, 1000, 2000, 4000, 8000]);
    expect(decisions.at(-1)).to.deep.equal({ action: 'give-up', attempts: 5 });
  });
});
