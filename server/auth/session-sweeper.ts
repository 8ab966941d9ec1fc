import mongoose from 'mongoose';

// Expired sessions are removed here rather than by connect-mongo's own interval: that one deletes with an unacknowledged
// write ({ w: 0 }), and FerretDB answers it anyway, which leaves a pooled connection one reply behind (the next query on it
// gets the previous query's answer). This sweep waits for its answer. No TTL index, which FerretDB lacks.
export const SESSIONS_COLLECTION = 'sessions';

export async function sweepExpiredSessions(now = new Date()): Promise<number> {
  const res = await mongoose.connection.collection(SESSIONS_COLLECTION).deleteMany({ expires: { $lt: now } });
  return res.deletedCount;
}

export function startSessionSweeper(everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    sweepExpiredSessions().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
