import session from 'express-session';
import { SessionModel } from '../../models/session.model.js';

type Callback<T = void> = (err?: unknown, value?: T | null) => void;
type Data = session.SessionData & { lastModified?: number; passport?: { user?: string } };

const DEFAULT_TTL_MS = 8 * 3600 * 1000;

function expiryOf(data: session.SessionData): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
}

// express-session's store over the app's own model. Every read is a bare `_id` lookup with the expiry checked in code:
// connect-mongo's filter ({_id, $or: [expires…]}) makes FerretDB read the whole collection on every signed-in request.
// Nothing is written for a visitor who has not signed in (saveUninitialized: false and no session data before sign-in).
export class AppSessionStore extends session.Store {
  // A session whose only change is its expiry is written at most this often (rolling cookies would write on every request).
  constructor(private readonly touchAfterMs = 60_000) {
    super();
  }

  override get(sid: string, cb: Callback<session.SessionData>): void {
    SessionModel.findById(sid)
      .lean()
      .then((doc) => {
        if (!doc || doc.expires.getTime() <= Date.now()) return cb(null, null);
        const data = JSON.parse(doc.session) as Data;
        cb(null, data);
      }, cb);
  }

  override set(sid: string, data: session.SessionData, cb: Callback = () => undefined): void {
    const stored: Data = { ...data, lastModified: Date.now() };
    const userId = (data as Data).passport?.user;
    SessionModel.replaceOne(
      { _id: sid },
      { _id: sid, expires: expiryOf(data), session: JSON.stringify(stored), ...(userId ? { userId } : {}) },
      { upsert: true },
    ).then(() => cb(), cb);
  }

  override touch(sid: string, data: session.SessionData, cb: Callback = () => undefined): void {
    const last = (data as Data).lastModified ?? 0;
    if (Date.now() - last < this.touchAfterMs) return cb();
    const stored: Data = { ...data, lastModified: Date.now() };
    SessionModel.updateOne({ _id: sid }, { $set: { expires: expiryOf(data), session: JSON.stringify(stored) } }).then(
      () => cb(),
      cb,
    );
  }

  override destroy(sid: string, cb: Callback = () => undefined): void {
    SessionModel.deleteOne({ _id: sid }).then(() => cb(), cb);
  }
}
