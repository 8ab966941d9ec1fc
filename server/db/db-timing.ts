import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import type { MongoClient } from 'mongodb';

// BENCH_TIMING=1 only (npm run bench): per request, the wall time spent waiting on the database (overlapping commands
// counted once) and the number of commands, from the driver's command monitoring (the connection string carries
// monitorCommands=true). Sent as `Server-Timing: db;dur=…;desc="N commands"` when the headers are still unsent, and
// always as one stdout line `bench-timing {…}` when the response ends (a streamed export sends its headers first).
type Tally = {
  commands: number;
  dbMs: number;
  inFlight: number;
  since: number;
  slowest: { command: string; ms: number } | null;
};
type Started = { tally: Tally; command: string; at: number };

const requests = new AsyncLocalStorage<Tally>();
const started = new Map<number, Started>();
export const TIMING_MARK = 'bench-timing ';

export function withCommandMonitoring(uri: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;
}

export function watchCommands(client: MongoClient): void {
  client.on('commandStarted', (e) => {
    const tally = requests.getStore();
    if (!tally) return;
    const target: unknown = e.command[e.commandName];
    const command = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
    started.set(e.requestId, { tally, command, at: performance.now() });
    tally.commands += 1;
    if (tally.inFlight++ === 0) tally.since = performance.now();
  });
  const done = (e: { requestId: number }) => {
    const entry = started.get(e.requestId);
    if (!entry) return;
    started.delete(e.requestId);
    const { tally } = entry;
    const now = performance.now();
    if (!tally.slowest || now - entry.at > tally.slowest.ms)
      tally.slowest = { command: entry.command, ms: now - entry.at };
    if (--tally.inFlight === 0) tally.dbMs += now - tally.since;
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
}

export const dbTiming: RequestHandler = (req, res, next) => {
  const tally: Tally = { commands: 0, dbMs: 0, inFlight: 0, since: 0, slowest: null };
  const t0 = performance.now();
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
  res.writeHead = ((...args: unknown[]) => {
    res.setHeader('Server-Timing', `db;dur=${tally.dbMs.toFixed(1)};desc="${tally.commands} commands"`);
    return writeHead(...args);
  }) as typeof res.writeHead;
  res.once('finish', () => {
    const line = { path: req.originalUrl, status: res.statusCode, totalMs: performance.now() - t0, ...tally };
    process.stdout.write(`${TIMING_MARK}${JSON.stringify(line)}\n`);
  });
  requests.run(tally, next);
};
