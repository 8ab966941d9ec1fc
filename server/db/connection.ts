import mongoose from 'mongoose';
import { isDbUnreachableError } from './db-errors.js';

// strictQuery 'throw': a filter naming an unknown field is an error, not a silently ignored condition.
// sanitizeFilter stays off: every request value is parsed by zod into primitives before it reaches a filter,
// and server code writes its own operators ($in, $regex, $gt) freely (see README, "Database compatibility").
mongoose.set('strictQuery', 'throw');
mongoose.set('autoIndex', true);

// A request must not wait on a database that is gone: an operation that finds no server fails after this long and the
// page says "temporarily unavailable" (server/lib/error-handler.ts) — 1 s leaves the page well inside its 2 s promise even
// on a busy machine. Start-up waits longer, by trying again.
const SERVER_SELECTION_TIMEOUT_MS = 1_000;
// How often the driver checks the server (default 10 s): sooner to notice it gone (pages then get 503 without trying,
// server/db/db-guard.ts) and back.
const HEARTBEAT_FREQUENCY_MS = 2_000;
const STARTUP_WAIT_MS = 10_000;
mongoose.set('bufferTimeoutMS', SERVER_SELECTION_TIMEOUT_MS);

export async function connectDb(uri: string, startupWaitMs = STARTUP_WAIT_MS): Promise<typeof mongoose> {
  const deadline = Date.now() + startupWaitMs;
  for (;;) {
    try {
      await mongoose.connect(uri, {
        serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
      });
      break;
    } catch (err) {
      if (!isDbUnreachableError(err) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await Promise.all(Object.values(mongoose.connection.models).map((m) => m.init()));
  return mongoose;
}

export async function disconnectDb(): Promise<void> {
  await mongoose.disconnect();
}

// Known to be connected: the driver saw the server answer and has not lost it since.
export function isDbConnected(): boolean {
  return mongoose.connection.readyState === mongoose.ConnectionStates.connected;
}

// Pings even while disconnected (once connected before): an operation makes the driver look for the server at once
// instead of at its next heartbeat (10 s), so a database that came back is noticed within a second.
export async function pingDb(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

// Tells the caller when the driver loses the database and when it has it back (for the log).
export function onConnectionChange(listener: (state: 'lost' | 'restored') => void): void {
  mongoose.connection.on('disconnected', () => listener('lost'));
  mongoose.connection.on('reconnected', () => listener('restored'));
}

let lastNudge = 0;

// While the database is down, asks the driver (at most once a second) to look for it now rather than at its next heartbeat.
export function nudgeReconnect(now = Date.now()): void {
  if (now - lastNudge < 1000) return;
  lastNudge = now;
  void pingDb();
}
