import { expect } from 'chai';
import {
  accountDelayMs,
  defaultLoginLimits,
  lockedForSeconds,
  loginGate,
  type LoginLimits,
} from '../../../server/auth/login-limiter.js';

const limits: LoginLimits = {
  accountAndIp: { failures: 10, windowSeconds: 3600, blockSeconds: 3600 },
  ip: { failures: 100, windowSeconds: 86400, blockSeconds: 86400 },
  account: { slowAfter: 5, windowSeconds: 86400, firstDelayMs: 500, maxDelayMs: 3000 },
};

describe('login limit rules', () => {
  it('locks a counter only once it holds more failures than allowed, for what is left of its block', () => {
    const rule = limits.accountAndIp;
    expect(lockedForSeconds(null, rule)).to.equal(0);
    expect(lockedForSeconds({ consumedPoints: 10, msBeforeNext: 50_000 }, rule)).to.equal(0);
    expect(lockedForSeconds({ consumedPoints: 11, msBeforeNext: 3_599_001 }, rule)).to.equal(3600);
    // A block about to end still asks for at least one second.
    expect(lockedForSeconds({ consumedPoints: 11, msBeforeNext: 0 }, rule)).to.equal(1);
  });

  it('slows an account down progressively from its slow-down point, never beyond the cap', () => {
    const rule = limits.account;
    expect([0, 1, 4].map((n) => accountDelayMs(n, rule))).to.deep.equal([0, 0, 0]);
    expect([5, 6, 7, 8, 9].map((n) => accountDelayMs(n, rule))).to.deep.equal([500, 1000, 2000, 3000, 3000]);
    expect(accountDelayMs(1_000_000, rule)).to.equal(3000);
  });

  it('when the pair or the IP is locked, then the attempt is refused without waiting', () => {
    const locked = { consumedPoints: 11, msBeforeNext: 60_000 };
    const heavy = { consumedPoints: 50, msBeforeNext: 60_000 };
    expect(loginGate({ accountAndIp: locked, ip: null, account: heavy }, limits)).to.deep.equal({
      retryAfterSeconds: 60,
      delayMs: 0,
    });
    expect(
      loginGate({ accountAndIp: null, ip: { consumedPoints: 101, msBeforeNext: 120_000 }, account: null }, limits),
    ).to.deep.equal({ retryAfterSeconds: 120, delayMs: 0 });
  });

  it('when only the account has failures (from anywhere, however many), then it is slowed down but never refused', () => {
    for (const failures of [5, 100, 10_000]) {
      const gate = loginGate(
        { accountAndIp: null, ip: null, account: { consumedPoints: failures, msBeforeNext: 60_000 } },
        limits,
      );
      expect(gate.retryAfterSeconds).to.equal(0);
      expect(gate.delayMs).to.be.within(1, limits.account.maxDelayMs);
    }
  });

  it('by default locks a pair after 10 failures, an IP after 100 a day, and delays an account by at most a few seconds', () => {
    expect(defaultLoginLimits.accountAndIp.failures).to.equal(10);
    expect(defaultLoginLimits.ip).to.deep.equal({ failures: 100, windowSeconds: 86400, blockSeconds: 86400 });
    expect(defaultLoginLimits.account.maxDelayMs).to.be.at.most(5000);
  });
});
