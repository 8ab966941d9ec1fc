import { Types } from 'mongoose';
import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import * as investors from './investors.service.js';
import { investorProfile } from './investor-profile.service.js';
import { toInvestorFields, toInvestorRecord } from './investor-mapping.js';
import { updateInvestorBody, type createInvestorBody, type listQuery } from './investors.schemas.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { AppResponse, idParams, Validated } from '../lib/validate.js';
import { actorOf } from '../audit/index.js';

type Org = Awaited<ReturnType<typeof investors.getInvestor>>;

// A stored organisation as its edit form's values and version (investor-mapping.ts: profile and thesis, flat).
const versioned = (org: Org): Versioned => ({ version: versionOf(org), values: toInvestorFields(org) });

// GET /investors — search, filters and keyset pages
export async function index(req: Request, res: Validated<{ query: typeof listQuery }>) {
  const { query } = res.locals.input;
  const page = await investors.listInvestors(query);
  const filters = {
    q: query.q,
    type: query.type,
    bifc: query.bifc === undefined ? undefined : String(query.bifc),
    archived: query.archived ? 'true' : undefined,
  };
  res.render('investors/index', { title: req.t('investors.title'), items: page.items, page, values: filters });
}

function renderInvestorForm(
  res: AppResponse,
  locals: { org?: Org } & Partial<FormState> & { values: Record<string, unknown> },
) {
  renderForm(res, 'investors/form', {
    title: locals.org ? nameIn(locals.org, res.locals.lang) : res.req.t('investors.new'),
    ...locals,
  });
}

// GET /investors/new — empty form
export function newForm(req: Request, res: AppResponse) {
  renderInvestorForm(res, { values: { newId: new Types.ObjectId().toHexString() } });
}

// POST /investors — create an organisation
export async function create(req: Request, res: Validated<{ body: typeof createInvestorBody }>) {
  await handleForm(res, {
    render: (state) => renderInvestorForm(res, state),
    save: async (input) => ({ org: await investors.createInvestor(input, actorOf(req)), newId: input.newId }),
    done: ({ org, newId }) => {
      // Sent again: the organisation is there from the first time, nothing was written now.
      flash(res, org ? 'success' : 'info', req.t(org ? 'investors.created' : 'investors.alreadySaved'));
      res.redirect(`/investors/${org ? String(org._id) : newId!}`);
    },
  });
}

// GET /investors/:id — profile and thesis, funds, contacts, rounds joined, matches, last contact, history
export async function show(req: Request, res: Validated<{ params: typeof idParams }>) {
  const profile = await investorProfile(res.locals.input.params.id);
  res.render('investors/show', { title: nameIn(profile.org, res.locals.lang), ...profile });
}

// GET /investors/:id/edit — form carrying the loaded version
export async function editForm(req: Request, res: Validated<{ params: typeof idParams }>) {
  const org = await investors.getInvestor(res.locals.input.params.id);
  renderInvestorForm(res, { org, values: editFormValues(versioned(org)) });
}

// POST /investors/:id — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(
  req: Request,
  res: Validated<{ params: typeof idParams; body: typeof updateInvestorBody }>,
) {
  const { id } = res.locals.input.params;
  const org = await investors.getInvestor(id);
  await handleForm(res, {
    render: (state) => renderInvestorForm(res, { org, ...state }),
    save: (input) => investors.updateInvestor(id, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('investors.saved'));
      res.redirect(`/investors/${id}`);
    },
    merge: {
      schema: updateInvestorBody,
      valuesOf: (input) => toInvestorFields(toInvestorRecord(input)),
      current: async () => versioned(await investors.getInvestor(id)),
    },
  });
}

// POST /investors/:id/archive — hide from the list
export async function archive(req: Request, res: Validated<{ params: typeof idParams; body: typeof csrfOnlyBody }>) {
  const { id } = res.locals.input.params;
  const changed = await investors.archiveInvestor(id, actorOf(req));
  flash(res, changed ? 'success' : 'info', req.t(changed ? 'investors.archivedDone' : 'investors.alreadyArchived'));
  res.redirect(`/investors/${id}`);
}

// POST /investors/:id/restore — back on the list
export async function restore(req: Request, res: Validated<{ params: typeof idParams; body: typeof csrfOnlyBody }>) {
  const { id } = res.locals.input.params;
  const changed = await investors.restoreInvestor(id, actorOf(req));
  flash(res, changed ? 'success' : 'info', req.t(changed ? 'investors.restoredDone' : 'investors.notArchived'));
  res.redirect(`/investors/${id}`);
}
