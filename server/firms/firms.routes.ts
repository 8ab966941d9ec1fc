import { Router } from 'express';
import { z } from 'zod';
import { requireRole, STAFF } from '../auth/require-role.js';
import { validate } from '../lib/validate.js';
import { csrfField } from '../lib/form-fields.js';
import { createFirmBody, firmIdParams, firmListQuery, noteBody, statusChangeBody, updateFirmBody } from './firms.schemas.js';
import { editRoundBody, roundBody, roundParams } from '../rounds/rounds.schemas.js';
import { addPersonBody, editPersonBody, personParams } from '../people/people.schemas.js';
import * as firms from './firms.controller.js';
import * as rounds from '../rounds/rounds.controller.js';
import * as people from '../people/people.controller.js';

export const firmsRouter = Router();
const staff = requireRole(...STAFF);
const admin = requireRole('admin');
const form = { formView: true };
const onlyToken = z.strictObject(csrfField);

firmsRouter.get('/firms', staff, validate({ query: firmListQuery }), firms.index);
firmsRouter.get('/firms/new', staff, firms.newForm);
firmsRouter.post('/firms', staff, validate({ body: createFirmBody }, form), firms.create);
firmsRouter.get('/firms/:id', staff, validate({ params: firmIdParams }), firms.show);
firmsRouter.get('/firms/:id/edit', staff, validate({ params: firmIdParams }), firms.editForm);
firmsRouter.post('/firms/:id', staff, validate({ params: firmIdParams, body: updateFirmBody }, form), firms.update);
// A reload after a rejected status form lands on the firm page, not a 404.
firmsRouter.get('/firms/:id/status', staff, validate({ params: firmIdParams }), (req, res) => res.redirect(`/firms/${res.locals.input.params.id}#status`));
firmsRouter.post('/firms/:id/status', staff, validate({ params: firmIdParams, body: statusChangeBody }, form), firms.changeStatus);
firmsRouter.post('/firms/:id/archive', staff, validate({ params: firmIdParams, body: onlyToken }), firms.archive(true));
firmsRouter.post('/firms/:id/restore', staff, validate({ params: firmIdParams, body: onlyToken }), firms.archive(false));
firmsRouter.post('/firms/:id/delete', admin, validate({ params: firmIdParams, body: onlyToken }), firms.destroy);
firmsRouter.post('/firms/:id/notes', staff, validate({ params: firmIdParams, body: noteBody }, form), firms.addNote);

firmsRouter.get('/firms/:id/rounds/new', staff, validate({ params: firmIdParams }), rounds.newForm);
firmsRouter.post('/firms/:id/rounds', staff, validate({ params: firmIdParams, body: roundBody }, form), rounds.create);
firmsRouter.get('/firms/:id/rounds/:roundId/edit', staff, validate({ params: roundParams }), rounds.editForm);
firmsRouter.post('/firms/:id/rounds/:roundId', staff, validate({ params: roundParams, body: editRoundBody }, form), rounds.update);
firmsRouter.post('/firms/:id/rounds/:roundId/delete', staff, validate({ params: roundParams, body: onlyToken }), rounds.destroy);

firmsRouter.get('/firms/:id/people/new', staff, validate({ params: firmIdParams }), people.newForm);
firmsRouter.post('/firms/:id/people', staff, validate({ params: firmIdParams, body: addPersonBody }, form), people.add);
firmsRouter.get('/firms/:id/people/:personId/edit', staff, validate({ params: personParams }), people.editForm);
firmsRouter.post('/firms/:id/people/:personId', staff, validate({ params: personParams, body: editPersonBody }, form), people.update);
firmsRouter.post('/firms/:id/people/:personId/unlink', staff, validate({ params: personParams, body: onlyToken }), people.unlink);
