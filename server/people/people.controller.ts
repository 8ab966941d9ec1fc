import type { Request, Response } from 'express';
import { renderForm, fieldErrorsOf, flash } from '../lib/forms.js';
import { getFirm } from '../firms/firms.service.js';
import { nameIn } from '../lib/names.js';
import * as people from './people.service.js';
import type { AddPersonInput, EditPersonInput } from './people.schemas.js';
import { actorOf } from '../audit/index.js';

async function renderPersonForm(req: Request, res: Response, locals: { person?: Awaited<ReturnType<typeof people.getPerson>>; values: Record<string, unknown>; errors?: Record<string, string[] | undefined> }) {
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
  if (res.locals.bodyErrors) return renderPersonForm(req, res, { values: req.body, errors: res.locals.bodyErrors });
  try {
    const { linkedExisting } = await people.addPersonToFirm(id, res.locals.input.body as AddPersonInput, actorOf(req));
    flash(res, 'success', req.t(linkedExisting ? 'people.linkedExisting' : 'people.added'));
  } catch (err) {
    return renderPersonForm(req, res, { values: req.body, errors: fieldErrorsOf(err) });
  }
  res.redirect(`/firms/${id}#people`);
}

// GET /firms/:id/people/:personId/edit
export async function editForm(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  await renderPersonForm(req, res, { person, values: person as unknown as Record<string, unknown> });
}

// POST /firms/:id/people/:personId
export async function update(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  const person = await people.getPerson(id, personId);
  if (res.locals.bodyErrors) return renderPersonForm(req, res, { person, values: req.body, errors: res.locals.bodyErrors });
  try {
    await people.editPerson(id, personId, res.locals.input.body as EditPersonInput, actorOf(req));
  } catch (err) {
    return renderPersonForm(req, res, { person, values: req.body, errors: fieldErrorsOf(err) });
  }
  flash(res, 'success', req.t('people.saved'));
  res.redirect(`/firms/${id}#people`);
}

// POST /firms/:id/people/:personId/unlink
export async function unlink(req: Request, res: Response) {
  const { id, personId } = res.locals.input.params;
  await people.unlinkPerson(id, personId, actorOf(req));
  flash(res, 'success', req.t('people.unlinked'));
  res.redirect(`/firms/${id}#people`);
}
