import { Router } from 'express';
import { requireRole, STAFF } from '../auth/require-role.js';
import { idParams, validate } from '../lib/validate.js';
import { sharingBody } from './sharing.schemas.js';
import * as sharing from './sharing.controller.js';

// Staff decide which investors see a firm in the portal (the form sits on the firm page).
export const sharingRouter = Router();
const staff = requireRole(...STAFF);

sharingRouter.get('/firms/:id/sharing', staff, validate({ params: idParams }), sharing.edit);
sharingRouter.post(
  '/firms/:id/sharing',
  staff,
  validate({ params: idParams, body: sharingBody }, { formView: true }),
  sharing.update,
);
