import type { Express } from 'express';
import { pingDb } from '../db/connection.js';

// Mounted by server/index.ts only when NODE_ENV=test, for tests that run the real process (test/resilience/).
export function mountTestRoutes(app: Express): void {
  // GET /__test/slow?ms=… — a handler that works for ms milliseconds, then uses the database and answers
  app.get('/__test/slow', async (req, res) => {
    const ms = Math.min(Number(req.query.ms) || 1000, 60_000);
    await new Promise((r) => setTimeout(r, ms));
    const db = await pingDb();
    res.status(db ? 200 : 503).json({ slept: ms, db: db ? 'up' : 'down' });
  });
}
