import mongoose from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

export type LoginLimits = { perAccount: number; perIp: number; windowSeconds: number; blockSeconds: number };

export const defaultLoginLimits: LoginLimits = { perAccount: 5, perIp: 30, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

const COLLECTION = 'login_limits';

// Failed logins counted per account and per IP in MongoDB, so every app instance shares the counts.
// The library's TTL index is not available on FerretDB: indexes are created here and expired rows swept on an interval.
export class LoginLimiter {
  private readonly byAccount: RateLimiterMongo;
  private readonly byIp: RateLimiterMongo;
  private sweeper?: NodeJS.Timeout;

  constructor(readonly limits: LoginLimits = defaultLoginLimits) {
    const common = {
      storeClient: mongoose.connection.getClient(),
      dbName: mongoose.connection.name,
      tableName: COLLECTION,
      duration: limits.windowSeconds,
      blockDuration: limits.blockSeconds,
      disableIndexesCreation: true,
    };
    this.byAccount = new RateLimiterMongo({ ...common, keyPrefix: 'acct', points: limits.perAccount });
    this.byIp = new RateLimiterMongo({ ...common, keyPrefix: 'ip', points: limits.perIp });
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

  // Seconds until another attempt is allowed, or 0 when the account and the IP may try now.
  async blockedFor(email: string, ip: string): Promise<number> {
    const [a, i] = await Promise.all([this.byAccount.get(email.toLowerCase()), this.byIp.get(ip)]);
    const wait = (r: RateLimiterRes | null, max: number) => (r && r.consumedPoints >= max ? Math.ceil(r.msBeforeNext / 1000) : 0);
    return Math.max(wait(a, this.limits.perAccount), wait(i, this.limits.perIp));
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.byAccount.consume(email.toLowerCase()).catch(() => undefined),
      this.byIp.consume(ip).catch(() => undefined),
    ]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email.toLowerCase());
  }
}
