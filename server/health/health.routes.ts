import { Router } from 'express';
import { pingDb } from '../db/connection.js';

export const healthRouter = Router();

// GET /healthz — 200 when the database answers, 503 when not (for load balancers; no login)
healthRouter.get('/healthz', async (_req, res) => {
  const ok = await pingDb();
  res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', db: ok ? 'up' : 'down' });
});
