import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { NamedRecord } from '../lib/load-record.js';
import type { AppResponse, idParams, Schemas, Validated } from '../lib/validate.js';
import { nameIn } from '../lib/names.js';
import { actorOf } from '../audit/index.js';
import {
  addInvestorContact,
  editContactBody,
  editInvestorContact,
  getInvestorContact,
  unlinkInvestorContact,
  type addContactBody,
  type ContactOrg,
} from '../people/index.js';
import type { contactParams } from './investors.schemas.js';

// Every contact page runs behind loadInvestor (investors.routes.ts): the organisation is in res.locals.
type InvestorLocals = { investor: NamedRecord };
type ContactPage<S extends Schemas> = Validated<S, InvestorLocals>;

type ContactFields = {
  name?: string | null;
  title?: string | null;
  email?: string | null;
  phone?: string | null;
  linkedin?: string | null;
  investorRole?: string | null;
};

// A contact (stored, or as typed) as the edit form's values.
const contactValues = (p: ContactFields) => ({
  name: p.name ?? '',
  title: p.title ?? '',
  email: p.email ?? '',
  phone: p.phone ?? '',
  linkedin: p.linkedin ?? '',
  investorRole: p.investorRole ?? '',
});
const versioned = async (id: string, contactId: string): Promise<Versioned> => {
  const person = await getInvestorContact(id, contactId);
  return { version: versionOf(person), values: contactValues(person) };
};
// The organisation as the people feature records it: its id, and the name its audit entries show.
const orgOf = (res: AppResponse<InvestorLocals>): ContactOrg => ({
  id: String(res.locals.investor._id),
  name: nameIn(res.locals.investor, 'en'),
});
const backTo = (id: string) => `/investors/${id}#contacts`;

function renderContactForm(
  req: Request,
  res: AppResponse<InvestorLocals>,
  locals: { contactId?: string } & Partial<FormState> & { values: Record<string, unknown> },
) {
  const heading = locals.contactId ? req.t('investors.contacts.edit') : req.t('investors.contacts.add');
  renderForm(res, 'investors/contact-form', {
    title: `${heading} · ${nameIn(res.locals.investor, res.locals.lang)}`,
    ...locals,
  });
}

// GET /investors/:id/contacts/new
export function newForm(req: Request, res: ContactPage<{ params: typeof idParams }>) {
  renderContactForm(req, res, { values: {} });
}

// POST /investors/:id/contacts — add a contact; an email already on file links that person
export async function add(req: Request, res: ContactPage<{ params: typeof idParams; body: typeof addContactBody }>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderContactForm(req, res, state),
    save: (input) => addInvestorContact(orgOf(res), input, actorOf(req)),
    done: ({ linkedExisting }) => {
      flash(res, 'success', req.t(linkedExisting ? 'investors.contacts.linkedExisting' : 'investors.contacts.added'));
      res.redirect(backTo(id));
    },
  });
}

// GET /investors/:id/contacts/:contactId/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: ContactPage<{ params: typeof contactParams }>) {
  const { id, contactId } = res.locals.input.params;
  renderContactForm(req, res, { contactId, values: editFormValues(await versioned(id, contactId)) });
}

// POST /investors/:id/contacts/:contactId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(
  req: Request,
  res: ContactPage<{ params: typeof contactParams; body: typeof editContactBody }>,
) {
  const { id, contactId } = res.locals.input.params;
  await getInvestorContact(id, contactId);
  await handleForm(res, {
    render: (state) => renderContactForm(req, res, { contactId, ...state }),
    save: (input) => editInvestorContact(id, contactId, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('investors.contacts.saved'));
      res.redirect(backTo(id));
    },
    merge: { schema: editContactBody, valuesOf: contactValues, current: () => versioned(id, contactId) },
  });
}

// POST /investors/:id/contacts/:contactId/unlink — no longer a contact of this organisation (the person stays on file)
export async function unlink(
  req: Request,
  res: ContactPage<{ params: typeof contactParams; body: typeof csrfOnlyBody }>,
) {
  const { contactId } = res.locals.input.params;
  await unlinkInvestorContact(orgOf(res), contactId, actorOf(req));
  flash(res, 'success', req.t('investors.contacts.unlinked'));
  res.redirect(backTo(orgOf(res).id));
}
