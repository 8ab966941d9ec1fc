import mongoose from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMongo } from 'rate-limiter-flexible';

// A counter that locks its key for blockSeconds once it holds `failures` failed sign-ins within windowSeconds.
export type LockRule = { failures: number; windowSeconds: number; blockSeconds: number };
// Failed sign-ins on one account from every IP: once there are `slowAfter`, each attempt waits, doubling from firstDelayMs up to maxDelayMs.
export type SlowDownRule = { slowAfter: number; windowSeconds: number; firstDelayMs: number; maxDelayMs: number };

// The login-endpoint protection rate-limiter-flexible documents (and OWASP ASVS 6.3): lock the (account, IP) pair and the IP,
// only slow the account down, so nobody can lock an owner out of their account from somewhere else.
export type LoginLimits = {
  // Consecutive failures on one account from one IP; a success resets the pair.
  accountAndIp: LockRule;
  // Failures from one IP across every account.
  ip: LockRule;
  // Failures on one account from every IP: never a lock.
  account: SlowDownRule;
  // "Forgot password" requests (each may send an email): per address and per IP within windowSeconds (default below).
  resetRequests?: ResetRequestRule;
};
export type ResetRequestRule = { perEmail: number; perIp: number; windowSeconds: number };
const defaultResetRequests: ResetRequestRule = { perEmail: 3, perIp: 20, windowSeconds: 60 * 60 };

const DAY = 24 * 60 * 60;

export const defaultLoginLimits: LoginLimits = {
  accountAndIp: { failures: 10, windowSeconds: 90 * DAY, blockSeconds: 60 * 60 },
  ip: { failures: 100, windowSeconds: DAY, blockSeconds: DAY },
  account: { slowAfter: 5, windowSeconds: DAY, firstDelayMs: 500, maxDelayMs: 3000 },
  resetRequests: defaultResetRequests,
};

// What a counter holds: the failures so far and the milliseconds until it expires (or its block ends).
export type Counter = { consumedPoints: number; msBeforeNext: number };

// What a sign-in attempt must do first: be refused for retryAfterSeconds (> 0), or wait delayMs before the password is checked.
export type LoginGate = { retryAfterSeconds: number; delayMs: number };

// A lock rule's counter is locked once it holds more than `failures` (a block stores failures + 1 until it ends).
export function lockedForSeconds(counter: Counter | null, rule: LockRule): number {
  return counter && counter.consumedPoints > rule.failures ? Math.max(1, Math.ceil(counter.msBeforeNext / 1000)) : 0;
}

// Progressive delay for an account under attack from many places: none below slowAfter failures, then doubling, capped.
export function accountDelayMs(failures: number, rule: SlowDownRule): number {
  if (failures < rule.slowAfter) return 0;
  const doublings = Math.min(failures - rule.slowAfter, 30);
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** doublings);
}

// Locks refuse the attempt outright; the account's slow-down applies only to attempts that may go ahead.
export function loginGate(
  counters: { accountAndIp: Counter | null; ip: Counter | null; account: Counter | null },
  limits: LoginLimits,
): LoginGate {
  const retryAfterSeconds = Math.max(
    lockedForSeconds(counters.accountAndIp, limits.accountAndIp),
    lockedForSeconds(counters.ip, limits.ip),
  );
  return {
    retryAfterSeconds,
    delayMs: retryAfterSeconds > 0 ? 0 : accountDelayMs(counters.account?.consumedPoints ?? 0, limits.account),
  };
}

const COLLECTION = 'login_limits';

// Failed logins counted in MongoDB, so every app instance shares the counts.
// The library's TTL index is not available on FerretDB: indexes are created here and expired rows swept on an interval.
export class LoginLimiter {
  private readonly byAccountAndIp: RateLimiterMongo;
  private readonly byIp: RateLimiterMongo;
  private readonly byAccount: RateLimiterMongo;
  private readonly resetsByEmail: RateLimiterMongo;
  private readonly resetsByIp: RateLimiterMongo;
  private readonly resetRule: ResetRequestRule;
  private sweeper?: NodeJS.Timeout;

  constructor(readonly limits: LoginLimits = defaultLoginLimits) {
    const store = (keyPrefix: string, points: number, windowSeconds: number) =>
      new RateLimiterMongo({
        storeClient: mongoose.connection.getClient(),
        dbName: mongoose.connection.name,
        tableName: COLLECTION,
        keyPrefix,
        points,
        duration: windowSeconds,
        disableIndexesCreation: true,
      });
    this.byAccountAndIp = store('acct_ip', limits.accountAndIp.failures, limits.accountAndIp.windowSeconds);
    this.byIp = store('ip', limits.ip.failures, limits.ip.windowSeconds);
    this.resetRule = limits.resetRequests ?? defaultResetRequests;
    this.byAccount = store('acct', limits.account.slowAfter, limits.account.windowSeconds);
    const resets = this.resetRule;
    this.resetsByEmail = store('reset_acct', resets.perEmail, resets.windowSeconds);
    this.resetsByIp = store('reset_ip', resets.perIp, resets.windowSeconds);
  }

  async init(): Promise<void> {
    const col = mongoose.connection.collection(COLLECTION);
    await col.createIndex({ key: 1 }, { unique: true });
    await col.createIndex({ expire: 1 });
    this.sweeper = setInterval(() => {
      col.deleteMany({ expire: { $lt: new Date() } }).catch(() => undefined);
    }, 60_000);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async check(email: string, ip: string): Promise<LoginGate> {
    const account = accountKey(email);
    const [accountAndIp, byIp, byAccount] = await Promise.all([
      this.byAccountAndIp.get(`${account}_${ip}`),
      this.byIp.get(ip),
      this.byAccount.get(account),
    ]);
    return loginGate({ accountAndIp, ip: byIp, account: byAccount }, this.limits);
  }

  // Seconds this attempt is refused for; 0 means go ahead, after the account's slow-down delay has passed.
  async admit(email: string, ip: string): Promise<number> {
    const gate = await this.check(email, ip);
    if (gate.delayMs > 0) await sleep(gate.delayMs);
    return gate.retryAfterSeconds;
  }

  // penalty() counts without rejecting; the failure that reaches a lock rule's limit blocks its key for blockSeconds.
  async recordFailure(email: string, ip: string): Promise<void> {
    const account = accountKey(email);
    const lock = async (limiter: RateLimiterMongo, key: string, rule: LockRule) => {
      const counted = await limiter.penalty(key);
      if (counted.consumedPoints >= rule.failures) await limiter.block(key, rule.blockSeconds);
    };
    await Promise.all([
      lock(this.byAccountAndIp, `${account}_${ip}`, this.limits.accountAndIp),
      lock(this.byIp, ip, this.limits.ip),
      this.byAccount.penalty(account),
    ]);
  }

  // Whether a "forgot password" request may send its email: counted per address and per IP, in the same store (and sweep)
  // as the sign-in counters; false once either is used up for the window.
  async admitResetRequest(email: string, ip: string): Promise<boolean> {
    const account = accountKey(email);
    const [byEmail, byIp] = await Promise.all([this.resetsByEmail.penalty(account), this.resetsByIp.penalty(ip)]);
    return byEmail.consumedPoints <= this.resetRule.perEmail && byIp.consumedPoints <= this.resetRule.perIp;
  }

  // A success resets only its own pair: an attacker's failures from elsewhere keep counting against them.
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.byAccountAndIp.delete(`${accountKey(email)}_${ip}`);
  }
}

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
