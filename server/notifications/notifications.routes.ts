import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import { notificationsQuery } from './notifications.schemas.js';
import * as notifications from './notifications.controller.js';

// Notices are sent to staff (an investor's answer, a match assigned or moved): staff and admins read them.
export const notificationsRouter = Router();
const staff = requireRole(...STAFF);

notificationsRouter.get('/notifications', staff, validate({ query: notificationsQuery }), notifications.index);
notificationsRouter.post('/notifications/read', staff, validate({ body: csrfOnlyBody }), notifications.readAll);
