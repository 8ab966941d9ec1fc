import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import { loadRecord, type NamedRecord } from '../lib/load-record.js';
import { editRoundBody, newRoundBody, newRoundQuery, roundParams } from './rounds.schemas.js';
import * as rounds from './rounds.controller.js';

// A firm's funding rounds, nested under its page: every route loads the firm first (a 404 for an unknown one).
// getFirm comes from the firms feature through server/routes.ts: firms imports rounds (its page lists them), not the reverse.
export function roundsRouter({ getFirm }: { getFirm: (id: string) => Promise<NamedRecord> }): Router {
  const router = Router();
  const staff = requireRole(...STAFF);
  const loadFirm = loadRecord('firm', getFirm);
  const form = { formView: true };
  router.get(
    '/firms/:id/rounds/new',
    staff,
    validate({ params: idParams, query: newRoundQuery }),
    loadFirm,
    rounds.newForm,
  );
  router.post(
    '/firms/:id/rounds',
    staff,
    validate({ params: idParams, body: newRoundBody }, form),
    loadFirm,
    rounds.create,
  );
  router.get('/firms/:id/rounds/:roundId/edit', staff, validate({ params: roundParams }), loadFirm, rounds.editForm);
  router.post(
    '/firms/:id/rounds/:roundId',
    staff,
    validate({ params: roundParams, body: editRoundBody }, form),
    loadFirm,
    rounds.update,
  );
  router.post(
    '/firms/:id/rounds/:roundId/delete',
    staff,
    validate({ params: roundParams, body: csrfOnlyBody }),
    loadFirm,
    rounds.destroy,
  );
  return router;
}
