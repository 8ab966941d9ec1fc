import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import { loadRecord, type NamedRecord } from '../lib/load-record.js';
import { addPersonBody, editPersonBody, personParams } from './people.schemas.js';
import * as people from './people.controller.js';

// A firm's founders and contacts, nested under its page: every route loads the firm first (a 404 for an unknown one).
// getFirm comes from the firms feature through server/routes.ts: firms imports people (its page lists them), not the reverse.
export function peopleRouter({ getFirm }: { getFirm: (id: string) => Promise<NamedRecord> }): Router {
  const router = Router();
  const staff = requireRole(...STAFF);
  const loadFirm = loadRecord('firm', getFirm);
  const form = { formView: true };
  router.get('/firms/:id/people/new', staff, validate({ params: idParams }), loadFirm, people.newForm);
  router.post(
    '/firms/:id/people',
    staff,
    validate({ params: idParams, body: addPersonBody }, form),
    loadFirm,
    people.add,
  );
  router.get('/firms/:id/people/:personId/edit', staff, validate({ params: personParams }), loadFirm, people.editForm);
  router.post(
    '/firms/:id/people/:personId',
    staff,
    validate({ params: personParams, body: editPersonBody }, form),
    loadFirm,
    people.update,
  );
  router.post(
    '/firms/:id/people/:personId/unlink',
    staff,
    validate({ params: personParams, body: csrfOnlyBody }),
    loadFirm,
    people.unlink,
  );
  return router;
}
