import type { Request, Response } from 'express';
import { historyOf } from '../audit/index.js';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import * as investors from './investors.service.js';
import { updateInvestorBody, type InvestorInput, type InvestorListQuery, type UpdateInvestorInput } from './investors.schemas.js';
import { actorOf } from '../audit/index.js';

type Org = Awaited<ReturnType<typeof investors.getInvestor>>;
type InvestorFields = { nameKo?: string | null; nameEn?: string | null; type: string; website?: string | null; bifcBased?: boolean | null };

// An organisation (stored, or as typed) as the form's values.
const investorValues = (o: InvestorFields) => ({
  nameKo: o.nameKo ?? '', nameEn: o.nameEn ?? '', type: o.type, website: o.website ?? '', bifcBased: o.bifcBased ? 'true' : '',
});
const versioned = (org: Org): Versioned => ({ version: versionOf(org), values: investorValues(org) });

// GET /investors — search, filters and keyset pages
export async function index(req: Request, res: Response) {
  const query = res.locals.input.query as InvestorListQuery;
  const page = await investors.listInvestors(query);
  const filters = { q: query.q, type: query.type, bifc: query.bifc === undefined ? undefined : String(query.bifc), archived: query.archived ? 'true' : undefined };
  res.render('investors/index', { title: req.t('investors.title'), items: page.items, page, values: filters });
}

function renderInvestorForm(res: Response, locals: { org?: Org } & Partial<FormState> & { values: Record<string, unknown> }) {
  renderForm(res, 'investors/form', { title: locals.org ? nameIn(locals.org, res.locals.lang) : res.req.t('investors.new'), ...locals });
}

// GET /investors/new — empty form
export function newForm(req: Request, res: Response) {
  renderInvestorForm(res, { values: {} });
}

// POST /investors — create an organisation
export async function create(req: Request, res: Response) {
  await handleForm(res, {
    render: (state) => renderInvestorForm(res, state),
    save: (input: InvestorInput) => investors.createInvestor(input, actorOf(req)),
    done: (org) => {
      flash(res, 'success', req.t('investors.created'));
      res.redirect(`/investors/${org._id}`);
    },
  });
}

// GET /investors/:id — profile, rounds joined, history
export async function show(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const [org, rounds, entries] = await Promise.all([investors.getInvestor(id), investors.roundsJoined(id), historyOf(id)]);
  res.render('investors/show', { title: nameIn(org, res.locals.lang), org, rounds, entries });
}

// GET /investors/:id/edit — form carrying the loaded version
export async function editForm(req: Request, res: Response) {
  const org = await investors.getInvestor(res.locals.input.params.id);
  renderInvestorForm(res, { org, values: editFormValues(versioned(org)) });
}

// POST /investors/:id — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const org = await investors.getInvestor(id);
  await handleForm(res, {
    render: (state) => renderInvestorForm(res, { org, ...state }),
    save: (input: UpdateInvestorInput) => investors.updateInvestor(id, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('investors.saved'));
      res.redirect(`/investors/${id}`);
    },
    merge: { schema: updateInvestorBody, valuesOf: investorValues, current: async () => versioned(await investors.getInvestor(id)) },
  });
}

// POST /investors/:id/archive — hide from the list
export async function archive(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const changed = await investors.archiveInvestor(id, actorOf(req));
  flash(res, changed ? 'success' : 'info', req.t(changed ? 'investors.archivedDone' : 'investors.alreadyArchived'));
  res.redirect(`/investors/${id}`);
}

// POST /investors/:id/restore — back on the list
export async function restore(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const changed = await investors.restoreInvestor(id, actorOf(req));
  flash(res, changed ? 'success' : 'info', req.t(changed ? 'investors.restoredDone' : 'investors.notArchived'));
  res.redirect(`/investors/${id}`);
}
