import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import {
  boardQuery,
  createMatchBody,
  detailsBody,
  matchListQuery,
  matchNoteBody,
  moveBody,
} from './matches.schemas.js';
import * as matches from './matches.controller.js';
import * as detail from './match-detail.controller.js';
import * as suggestions from './suggestions.controller.js';

// Deal flow, for staff and admins: the board, list, export and follow-ups, a match's page and its forms, suggestions.
export const matchesRouter = Router();
const staff = requireRole(...STAFF);
const form = { formView: true };

matchesRouter.get('/matches', staff, validate({ query: boardQuery }), matches.board);
matchesRouter.get('/matches/list', staff, validate({ query: matchListQuery }), matches.list);
matchesRouter.get(
  '/matches/export.csv',
  staff,
  validate({ query: matchListQuery }, { strictQuery: true }),
  matches.exportCsv,
);
matchesRouter.get('/matches/mine', staff, matches.mine);
matchesRouter.post('/matches', staff, validate({ body: createMatchBody }, form), detail.create);
matchesRouter.get('/matches/:id', staff, validate({ params: idParams }), detail.show);
matchesRouter.post('/matches/:id/move', staff, validate({ params: idParams, body: moveBody }, form), detail.move);
matchesRouter.post(
  '/matches/:id/details',
  staff,
  validate({ params: idParams, body: detailsBody }, form),
  detail.details,
);
matchesRouter.post(
  '/matches/:id/notes',
  staff,
  validate({ params: idParams, body: matchNoteBody }, form),
  detail.addNote,
);

matchesRouter.get('/firms/:id/suggestions', staff, validate({ params: idParams }), suggestions.forFirm);
matchesRouter.get('/investors/:id/suggestions', staff, validate({ params: idParams }), suggestions.forInvestor);
