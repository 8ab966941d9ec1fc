import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import { loadRecord, type NamedRecord } from '../lib/load-record.js';
import { addContactBody, editContactBody } from '../people/index.js';
import {
  addFundBody,
  contactParams,
  createInvestorBody,
  editFundBody,
  fundParams,
  listQuery,
  updateInvestorBody,
} from './investors.schemas.js';
import { getInvestor } from './investors.service.js';
import * as investors from './investors.controller.js';
import * as funds from './investor-funds.controller.js';
import * as contacts from './investor-contacts.controller.js';

export const investorsRouter = Router();
const staff = requireRole(...STAFF);
const form = { formView: true };
// Funds and contacts are nested under their organisation: an unknown one is a 404 before anything else.
const loadInvestor = loadRecord('investor', (id): Promise<NamedRecord> => getInvestor(id));

investorsRouter.get('/investors', staff, validate({ query: listQuery }), investors.index);
investorsRouter.get('/investors/new', staff, investors.newForm);
investorsRouter.post('/investors', staff, validate({ body: createInvestorBody }, { formView: true }), investors.create);
investorsRouter.get('/investors/:id', staff, validate({ params: idParams }), investors.show);
investorsRouter.get('/investors/:id/edit', staff, validate({ params: idParams }), investors.editForm);
investorsRouter.post(
  '/investors/:id',
  staff,
  validate({ params: idParams, body: updateInvestorBody }, { formView: true }),
  investors.update,
);
investorsRouter.post(
  '/investors/:id/archive',
  staff,
  validate({ params: idParams, body: csrfOnlyBody }),
  investors.archive,
);
investorsRouter.post(
  '/investors/:id/restore',
  staff,
  validate({ params: idParams, body: csrfOnlyBody }),
  investors.restore,
);

investorsRouter.get('/investors/:id/funds/new', staff, validate({ params: idParams }), loadInvestor, funds.newForm);
investorsRouter.post(
  '/investors/:id/funds',
  staff,
  validate({ params: idParams, body: addFundBody }, form),
  loadInvestor,
  funds.add,
);
investorsRouter.get(
  '/investors/:id/funds/:fundId/edit',
  staff,
  validate({ params: fundParams }),
  loadInvestor,
  funds.editForm,
);
investorsRouter.post(
  '/investors/:id/funds/:fundId',
  staff,
  validate({ params: fundParams, body: editFundBody }, form),
  loadInvestor,
  funds.update,
);
investorsRouter.post(
  '/investors/:id/funds/:fundId/delete',
  staff,
  validate({ params: fundParams, body: csrfOnlyBody }),
  loadInvestor,
  funds.remove,
);

investorsRouter.get(
  '/investors/:id/contacts/new',
  staff,
  validate({ params: idParams }),
  loadInvestor,
  contacts.newForm,
);
investorsRouter.post(
  '/investors/:id/contacts',
  staff,
  validate({ params: idParams, body: addContactBody }, form),
  loadInvestor,
  contacts.add,
);
investorsRouter.get(
  '/investors/:id/contacts/:contactId/edit',
  staff,
  validate({ params: contactParams }),
  loadInvestor,
  contacts.editForm,
);
investorsRouter.post(
  '/investors/:id/contacts/:contactId',
  staff,
  validate({ params: contactParams, body: editContactBody }, form),
  loadInvestor,
  contacts.update,
);
investorsRouter.post(
  '/investors/:id/contacts/:contactId/unlink',
  staff,
  validate({ params: contactParams, body: csrfOnlyBody }),
  loadInvestor,
  contacts.unlink,
);
