import { SessionModel } from '../../models/session.model.js';

// Expired sessions are removed here, with acknowledged deletes: connect-mongo's interval removal deletes with { w: 0 },
// and FerretDB answers it anyway, which leaves a pooled connection one reply behind (the next query on it gets the
// previous query's answer). No TTL index, which FerretDB lacks.
export async function sweepExpiredSessions(now = new Date()): Promise<number> {
  const res = await SessionModel.deleteMany({ expires: { $lt: now } });
  return res.deletedCount;
}

export function startSessionSweeper(everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    sweepExpiredSessions().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

// Ends every session of a user (an admin reset their password, changed their role or deactivated them), or every one
// but the current (they changed their own password).
export async function endSessionsOf(userId: string, exceptSessionId?: string): Promise<number> {
  const res = await SessionModel.deleteMany(exceptSessionId ? { userId, _id: { $ne: exceptSessionId } } : { userId });
  return res.deletedCount;
}
