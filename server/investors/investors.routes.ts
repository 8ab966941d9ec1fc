import { Router } from 'express';
import { requireRole, STAFF } from '../auth/require-role.js';
import { validate, idParams } from '../lib/validate.js';
import { actionBody, createInvestorBody, listQuery, updateInvestorBody } from './investors.schemas.js';
import * as investors from './investors.controller.js';

export const investorsRouter = Router();
const staff = requireRole(...STAFF);

investorsRouter.get('/investors', staff, validate({ query: listQuery }), investors.index);
investorsRouter.get('/investors/new', staff, investors.newForm);
investorsRouter.post('/investors', staff, validate({ body: createInvestorBody }, { formView: true }), investors.create);
investorsRouter.get('/investors/:id', staff, validate({ params: idParams }), investors.show);
investorsRouter.get('/investors/:id/edit', staff, validate({ params: idParams }), investors.editForm);
investorsRouter.post('/investors/:id', staff, validate({ params: idParams, body: updateInvestorBody }, { formView: true }), investors.update);
investorsRouter.post('/investors/:id/archive', staff, validate({ params: idParams, body: actionBody }), investors.archive);
investorsRouter.post('/investors/:id/restore', staff, validate({ params: idParams, body: actionBody }), investors.restore);
