import type { RequestHandler } from 'express';
import { Unavailable } from '../lib/app-error.js';
import { isDbConnected, nudgeReconnect } from './connection.js';

// While the driver knows the database is gone, pages get the "temporarily unavailable" page at once (503, Retry-After)
// instead of waiting for an operation to time out. /healthz pings for itself; static files need no database.
export const refuseWhileDbDown: RequestHandler = (req, _res, next) => {
  if (isDbConnected() || req.path === '/healthz' || req.path.startsWith('/static/')) return next();
  nudgeReconnect();
  next(Unavailable('database unavailable'));
};
