import type { RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { Role } from '../../models/enums.js';
import { tokenInUse } from './api-tokens.service.js';

// Who may read the reports API: a bearer token issued at /admin/tokens, or a signed-in admin, staff member or viewer (a
// session; GET only, so CSRF does not apply). No credentials: 401; an investor's session: 403; a revoked or unknown
// token: 401. Each caller (token or user) gets `apiRateLimit` requests a minute (app setting, API_RATE_LIMIT), counted in
// MongoDB so every instance shares the count (rate-limiter-flexible's Mongo store, as for sign-ins: its TTL index is
// not available on FerretDB, so the indexes are made here and expired rows swept on an interval).
const REPORT_ROLES: readonly Role[] = ['admin', 'staff', 'viewer'];
const COLLECTION = 'api_limits';
const WINDOW_SECONDS = 60;

// Per database client: a reconnect (a new client) must not keep counting through a closed one.
type Store = { prepared?: Promise<void>; limiters: Map<number, RateLimiterMongo> };
const stores = new WeakMap<object, Store>();

function storeOf(): Store {
  const client = mongoose.connection.getClient();
  let store = stores.get(client);
  if (!store) {
    store = { limiters: new Map() };
    stores.set(client, store);
  }
  return store;
}

function prepare(): Promise<void> {
  const store = storeOf();
  store.prepared ??= (async () => {
    const col = mongoose.connection.collection(COLLECTION);
    await col.createIndex({ key: 1 }, { unique: true });
    await col.createIndex({ expire: 1 });
    const sweep = setInterval(() => {
      col.deleteMany({ expire: { $lt: new Date() } }).catch(() => undefined);
    }, 60_000);
    sweep.unref();
  })().catch((err: unknown) => {
    store.prepared = undefined;
    throw err;
  });
  return store.prepared;
}

function limiterFor(points: number): RateLimiterMongo {
  const { limiters } = storeOf();
  let limiter = limiters.get(points);
  if (!limiter) {
    limiter = new RateLimiterMongo({
      storeClient: mongoose.connection.getClient(),
      dbName: mongoose.connection.name,
      tableName: COLLECTION,
      keyPrefix: 'api',
      points,
      duration: WINDOW_SECONDS,
      disableIndexesCreation: true,
    });
    limiters.set(points, limiter);
  }
  return limiter;
}

const refuse = (res: Response, status: number, error: string, message: string) => {
  if (status === 401)
    res.setHeader('WWW-Authenticate', error === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer');
  res.status(status).json({ error, message });
};

export const apiAccess: RequestHandler = async (req, res, next) => {
  const header = req.get('authorization');
  let key: string;
  if (header !== undefined) {
    const bearer = /^Bearer +([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
    const id = bearer ? await tokenInUse(bearer[1]!) : undefined;
    if (!id) return refuse(res, 401, 'invalid_token', 'unknown or revoked token');
    key = `token_${id}`;
  } else if (req.user) {
    if (!REPORT_ROLES.includes(req.user.role))
      return refuse(res, 403, 'forbidden', 'the reports are not available to this account');
    key = `user_${req.user.id}`;
  } else {
    return refuse(res, 401, 'unauthorized', 'send a token as Authorization: Bearer <token>, or sign in');
  }
  const points = Number(req.app.get('apiRateLimit')) || 60;
  await prepare();
  try {
    const used = await limiterFor(points).consume(key);
    res.setHeader('X-RateLimit-Limit', String(points));
    res.setHeader('X-RateLimit-Remaining', String(used.remainingPoints));
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
    return refuse(res, 429, 'too_many_requests', `at most ${points} requests a minute`);
  }
  next();
};
