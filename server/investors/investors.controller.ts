import type { Request, Response } from 'express';
import { historyOf } from '../audit/index.js';
import { renderForm, fieldErrorsOf, flash } from '../lib/forms.js';
import { nameIn } from '../lib/names.js';
import type { FieldErrors } from '../lib/app-error.js';
import * as investors from './investors.service.js';
import { type InvestorInput, type InvestorListQuery, type UpdateInvestorInput } from './investors.schemas.js';
import { actorOf } from '../audit/index.js';


const listUrl = (params: Record<string, string | undefined>) => {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return qs ? `/investors?${qs}` : '/investors';
};

// GET /investors — search, filters and keyset pages
export async function index(req: Request, res: Response) {
  const query = res.locals.input.query as InvestorListQuery;
  const page = await investors.listInvestors(query);
  const filters = { q: query.q, type: query.type, bifc: query.bifc === undefined ? undefined : String(query.bifc), archived: query.archived ? 'true' : undefined };
  res.render('investors/index', {
    title: req.t('investors.title'),
    items: page.items,
    values: filters,
    nextUrl: page.next ? listUrl({ ...filters, after: page.next }) : undefined,
    prevUrl: page.prev ? listUrl({ ...filters, before: page.prev }) : undefined,
  });
}

// GET /investors/new — empty form
export async function newForm(req: Request, res: Response) {
  renderForm(res, 'investors/form', { title: req.t('investors.new'), values: {} });
}

// POST /investors — create an organisation
export async function create(req: Request, res: Response) {
  const rerender = (errors: FieldErrors) => renderForm(res, 'investors/form', { title: req.t('investors.new'), values: req.body, errors });
  if (res.locals.bodyErrors) return rerender(res.locals.bodyErrors);
  let org;
  try {
    org = await investors.createInvestor(res.locals.input.body as InvestorInput, actorOf(req));
  } catch (err) {
    return rerender(fieldErrorsOf(err));
  }
  flash(res, 'success', req.t('investors.created'));
  res.redirect(`/investors/${org._id}`);
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
  const values = { ...org, bifcBased: String(Boolean(org.bifcBased)), _version: String(org.__v ?? 0) };
  renderForm(res, 'investors/form', { title: nameIn(org, res.locals.lang), org, values });
}

// POST /investors/:id — save, unless someone else saved first (409 with what they changed)
export async function update(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const rerender = async (locals: { errors?: FieldErrors; status?: number; conflict?: investors.EditConflict; version?: number }) => {
    const org = await investors.getInvestor(id);
    const values = { ...req.body, ...(locals.version === undefined ? {} : { _version: String(locals.version) }) };
    renderForm(res, 'investors/form', { title: nameIn(org, res.locals.lang), org, ...locals, values });
  };
  if (res.locals.bodyErrors) return rerender({ errors: res.locals.bodyErrors });
  let result;
  try {
    result = await investors.updateInvestor(id, res.locals.input.body as UpdateInvestorInput, actorOf(req));
  } catch (err) {
    return rerender({ errors: fieldErrorsOf(err) });
  }
  // The form comes back with the user's values and the current version: saving again is a deliberate choice.
  if (!result.saved) return rerender({ status: 409, conflict: result.conflict, version: result.conflict.version });
  flash(res, 'success', req.t('investors.saved'));
  res.redirect(`/investors/${id}`);
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
