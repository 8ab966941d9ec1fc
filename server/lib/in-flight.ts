import type { RequestHandler } from 'express';
import { Unavailable } from './app-error.js';

export type InFlight = {
  // Mounted first: counts each request until its response finished or its connection closed.
  track: RequestHandler;
  // Counts work a request goes on with after its answer (an email) until it settles, so a graceful stop waits for it.
  hold: (work: Promise<unknown>) => void;
  readonly count: number;
  readonly draining: boolean;
  // From now on a new request (on a kept-alive connection) gets 503 with Connection: close.
  startDraining: () => void;
  // Resolves true when no request is in flight, false when timeoutMs passed first.
  waitForIdle: (timeoutMs: number) => Promise<boolean>;
};

// Graceful shutdown needs the handlers still running, not the open sockets (server.close waits for idle keep-alive
// sockets too, and knows nothing of a handler still writing to the database).
export function createInFlight(): InFlight {
  let count = 0;
  let draining = false;
  let idleWaiters: Array<() => void> = [];

  const done = () => {
    count -= 1;
    if (count === 0) {
      for (const wake of idleWaiters) wake();
      idleWaiters = [];
    }
  };

  const track: RequestHandler = (_req, res, next) => {
    count += 1;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      done();
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (!draining) return next();
    res.setHeader('Connection', 'close');
    next(Unavailable('shutting down'));
  };

  const hold = (work: Promise<unknown>) => {
    count += 1;
    void work.finally(done).catch(() => undefined);
  };

  return {
    track,
    hold,
    get count() {
      return count;
    },
    get draining() {
      return draining;
    },
    startDraining: () => {
      draining = true;
    },
    waitForIdle: (timeoutMs) => {
      if (count === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          idleWaiters = idleWaiters.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        idleWaiters.push(wake);
      });
    },
  };
}

// The process's requests: createApp mounts inFlight.track, server/index.ts drains it on SIGTERM/SIGINT.
export const inFlight = createInFlight();
