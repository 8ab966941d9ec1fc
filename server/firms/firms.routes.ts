import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import { createFirmBody, firmListQuery, noteBody, statusChangeBody, updateFirmBody } from './firms.schemas.js';
import * as firms from './firms.controller.js';

// The startup registry. A firm's rounds and people have routers of their own (server/rounds, server/people), nested
// under /firms/:id.
export const firmsRouter = Router();
const staff = requireRole(...STAFF);
const admin = requireRole('admin');
const form = { formView: true };

firmsRouter.get('/firms', staff, validate({ query: firmListQuery }), firms.index);
firmsRouter.get('/firms/new', staff, firms.newForm);
firmsRouter.post('/firms', staff, validate({ body: createFirmBody }, form), firms.create);
firmsRouter.get('/firms/:id', staff, validate({ params: idParams }), firms.show);
firmsRouter.get('/firms/:id/edit', staff, validate({ params: idParams }), firms.editForm);
firmsRouter.post('/firms/:id', staff, validate({ params: idParams, body: updateFirmBody }, form), firms.update);
firmsRouter.get('/firms/:id/status', staff, validate({ params: idParams }), firms.statusPage);
firmsRouter.post(
  '/firms/:id/status',
  staff,
  validate({ params: idParams, body: statusChangeBody }, form),
  firms.changeStatus,
);
firmsRouter.post('/firms/:id/archive', staff, validate({ params: idParams, body: csrfOnlyBody }), firms.archive(true));
firmsRouter.post('/firms/:id/restore', staff, validate({ params: idParams, body: csrfOnlyBody }), firms.archive(false));
firmsRouter.post('/firms/:id/delete', admin, validate({ params: idParams, body: csrfOnlyBody }), firms.destroy);
firmsRouter.post('/firms/:id/notes', staff, validate({ params: idParams, body: noteBody }, form), firms.addNote);
