import { Router } from 'express';
import { requireRole } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { auditQuery } from './audit.schemas.js';
import * as audit from './audit.controller.js';

// Read-only: the log is append-only from the app, so there is no route that edits or deletes an entry.
export const auditRouter = Router();

auditRouter.get('/audit', requireRole('admin'), validate({ query: auditQuery }), audit.index);
