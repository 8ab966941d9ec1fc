import type { Request } from 'express';
import { Types } from 'mongoose';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { NamedRecord } from '../lib/load-record.js';
import type { AppResponse, idParams, Schemas, Validated } from '../lib/validate.js';
import { nameIn } from '../lib/names.js';
import * as people from './people.service.js';
import { editPersonBody, type addPersonBody, type personParams } from './people.schemas.js';
import { actorOf } from '../audit/index.js';

// Every people page runs behind loadFirm (people.routes.ts): the firm is in res.locals.
type FirmLocals = { firm: NamedRecord };
type PersonPage<S extends Schemas> = Validated<S, FirmLocals>;

type StoredPerson = Awaited<ReturnType<typeof people.getPerson>>;
type PersonFields = {
  name?: string | null;
  title?: string | null;
  email?: string | null;
  phone?: string | null;
  linkedin?: string | null;
};

// A person (stored, or as typed) as the edit form's values.
const personValues = (p: PersonFields) => ({
  name: p.name ?? '',
  title: p.title ?? '',
  email: p.email ?? '',
  phone: p.phone ?? '',
  linkedin: p.linkedin ?? '',
});
const versioned = (person: StoredPerson): Versioned => ({ version: versionOf(person), values: personValues(person) });

function renderPersonForm(
  req: Request,
  res: AppResponse<FirmLocals>,
  locals: { person?: StoredPerson } & Partial<FormState> & { values: Record<string, unknown> },
) {
  renderForm(res, 'people/form', {
    title: `${locals.person ? req.t('people.edit') : req.t('people.add')} · ${nameIn(res.locals.firm, res.locals.lang)}`,
    ...locals,
  });
}

// GET /firms/:id/people/new
export function newForm(req: Request, res: PersonPage<{ params: typeof idParams }>) {
  renderPersonForm(req, res, { values: { role: 'founder', newId: new Types.ObjectId().toHexString() } });
}

// POST /firms/:id/people — add a founder or contact; an email already on file links that person
export async function add(req: Request, res: PersonPage<{ params: typeof idParams; body: typeof addPersonBody }>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderPersonForm(req, res, state),
    save: (input) => people.addPersonToFirm(id, input, actorOf(req)),
    done: ({ person, linkedExisting }) => {
      // Sent again: the person is there from the first time, nothing was written now.
      if (!person) flash(res, 'info', req.t('people.alreadySaved'));
      else flash(res, 'success', req.t(linkedExisting ? 'people.linkedExisting' : 'people.added'));
      res.redirect(`/firms/${id}#people`);
    },
  });
}

// GET /firms/:id/people/:personId/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: PersonPage<{ params: typeof personParams }>) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  renderPersonForm(req, res, { person, values: editFormValues(versioned(person)) });
}

// POST /firms/:id/people/:personId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(
  req: Request,
  res: PersonPage<{ params: typeof personParams; body: typeof editPersonBody }>,
) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  await handleForm(res, {
    render: (state) => renderPersonForm(req, res, { person, ...state }),
    save: (input) => people.editPerson(id, personId, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('people.saved'));
      res.redirect(`/firms/${id}#people`);
    },
    merge: {
      schema: editPersonBody,
      valuesOf: personValues,
      current: async () => versioned(await people.getPerson(id, personId)),
    },
  });
}

// POST /firms/:id/people/:personId/unlink
export async function unlink(
  req: Request,
  res: PersonPage<{ params: typeof personParams; body: typeof csrfOnlyBody }>,
) {
  const { id, personId } = res.locals.input.params;
  await people.unlinkPerson(id, personId, actorOf(req));
  flash(res, 'success', req.t('people.unlinked'));
  res.redirect(`/firms/${id}#people`);
}
