import { Router } from 'express';
import { requireRole } from '../auth/require-role.js';
import { idParams, validate } from '../lib/validate.js';
import { answerBody, passBody, portalQuery } from './portal.schemas.js';
import * as portal from './portal.controller.js';

// The investor portal: investors only (staff, admins and viewers get a 403). Every route names a firm the user's
// organisation must be able to see (server/portal/visibility-rules.ts); any other id is a 404.
export const portalRouter = Router();
const investor = requireRole('investor');

portalRouter.get('/portal', investor, validate({ query: portalQuery }), portal.home);
portalRouter.get('/portal/firms/:id', investor, validate({ params: idParams }), portal.show);
portalRouter.post(
  '/portal/firms/:id/interest',
  investor,
  validate({ params: idParams, body: answerBody }),
  portal.answer('interest'),
);
portalRouter.post(
  '/portal/firms/:id/intro-request',
  investor,
  validate({ params: idParams, body: answerBody }),
  portal.answer('intro-request'),
);
// A reload after a rejected pass form lands on the profile, not a 404.
portalRouter.get('/portal/firms/:id/pass', investor, validate({ params: idParams }), portal.backToProfile);
portalRouter.post(
  '/portal/firms/:id/pass',
  investor,
  validate({ params: idParams, body: passBody }, { formView: true }),
  portal.pass,
);
