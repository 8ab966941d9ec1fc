import type { Request, Response } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { getFirm } from '../firms/firms.service.js';
import { nameIn } from '../lib/names.js';
import * as people from './people.service.js';
import { editPersonBody, type AddPersonInput, type EditPersonInput } from './people.schemas.js';
import { actorOf } from '../audit/index.js';

type StoredPerson = Awaited<ReturnType<typeof people.getPerson>>;
type PersonFields = { name?: string | null; title?: string | null; email?: string | null; phone?: string | null; linkedin?: string | null };

// A person (stored, or as typed) as the edit form's values.
const personValues = (p: PersonFields) => ({ name: p.name ?? '', title: p.title ?? '', email: p.email ?? '', phone: p.phone ?? '', linkedin: p.linkedin ?? '' });
const versioned = (person: StoredPerson): Versioned => ({ version: versionOf(person), values: personValues(person) });

async function renderPersonForm(req: Request, res: Response, locals: { person?: StoredPerson } & Partial<FormState> & { values: Record<string, unknown> }) {
  const firm = await getFirm(res.locals.input.params.id);
  renderForm(res, 'people/form', { title: `${locals.person ? req.t('people.edit') : req.t('people.add')} · ${nameIn(firm, res.locals.lang)}`, firm, ...locals });
}

// GET /firms/:id/people/new
export async function newForm(req: Request, res: Response) {
  await renderPersonForm(req, res, { values: { role: 'founder' } });
}

// POST /firms/:id/people — add a founder or contact; an email already on file links that person
export async function add(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderPersonForm(req, res, state),
    save: (input: AddPersonInput) => people.addPersonToFirm(id, input, actorOf(req)),
    done: ({ linkedExisting }) => {
      flash(res, 'success', req.t(linkedExisting ? 'people.linkedExisting' : 'people.added'));
      res.redirect(`/firms/${id}#people`);
    },
  });
}

// GET /firms/:id/people/:personId/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  await renderPersonForm(req, res, { person, values: editFormValues(versioned(person)) });
}

// POST /firms/:id/people/:personId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  await handleForm(res, {
    render: (state) => renderPersonForm(req, res, { person, ...state }),
    save: (input: EditPersonInput) => people.editPerson(id, personId, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('people.saved'));
      res.redirect(`/firms/${id}#people`);
    },
    merge: { schema: editPersonBody, valuesOf: personValues, current: async () => versioned(await people.getPerson(id, personId)) },
  });
}

// POST /firms/:id/people/:personId/unlink
export async function unlink(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  await people.unlinkPerson(id, personId, actorOf(req));
  flash(res, 'success', req.t('people.unlinked'));
  res.redirect(`/firms/${id}#people`);
}
