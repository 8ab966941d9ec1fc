import type { Request, Response } from 'express';
import { AppError, type FieldErrors } from '../lib/app-error.js';
import { renderForm, fieldErrorsOf, flash } from '../lib/forms.js';
import { investorOptions } from '../investors/index.js';
import { peopleOfFirm } from '../people/people.service.js';
import { seoulToday } from '../lib/dates.js';
import { nameIn } from '../lib/names.js';
import { labelOf } from '../lib/labels.js';
import { toFirmFields } from './firm-mapping.js';
import { mergeOnConflict, parseBase } from '../lib/three-way-merge.js';
import { listFirms } from './firm-list.service.js';
import { firmDetail } from './firm-detail.service.js';
import { buildTimeline } from './firm-timeline.js';
import * as firms from './firms.service.js';
import { LIST_SORTS, type CreateFirmInput, type FirmListQuery, type StatusChangeInput, type UpdateFirmInput } from './firms.schemas.js';
import { actorOf } from '../audit/index.js';

const langOf = (res: Response) => res.locals.lang as 'ko' | 'en';

// GET /firms — searchable, filterable, keyset-paginated list; the filters live in the URL
export async function index(req: Request, res: Response) {
  const query = res.locals.input.query as FirmListQuery;
  res.render('firms/index', { title: req.t('firms.title'), query, page: await listFirms(query, langOf(res)), sorts: LIST_SORTS });
}

type FormLocals = { firm?: Awaited<ReturnType<typeof firms.getFirm>>; values: Record<string, unknown>; errors?: FieldErrors; status?: number; conflict?: firms.ConflictDetails };

async function renderFirmForm(req: Request, res: Response, locals: FormLocals) {
  const [investors, people] = await Promise.all([investorOptions(), locals.firm ? peopleOfFirm(String(locals.firm._id)) : []]);
  const title = locals.firm ? `${req.t('firms.edit')}: ${nameIn(locals.firm, langOf(res))}` : req.t('firms.new');
  renderForm(res, 'firms/form', { title, investors, people, conflict: undefined, ...locals });
}

// GET /firms/new — registration form
export async function newForm(req: Request, res: Response) {
  await renderFirmForm(req, res, { values: { status: 'applicant' } });
}

// POST /firms — register a firm
export async function create(req: Request, res: Response) {
  if (res.locals.bodyErrors) return renderFirmForm(req, res, { values: req.body, errors: res.locals.bodyErrors });
  try {
    const firm = await firms.createFirm(res.locals.input.body as CreateFirmInput, actorOf(req));
    flash(res, 'success', req.t('firms.created'));
    res.redirect(`/firms/${firm._id}`);
  } catch (err) {
    await renderFirmForm(req, res, { values: req.body, errors: fieldErrorsOf(err) });
  }
}

async function detailLocals(req: Request, res: Response, id: string) {
  const detail = await firmDetail(id);
  const timeline = buildTimeline(
    { statusHistory: detail.firm.statusHistory, rounds: detail.rounds, notes: detail.notes, audit: detail.history, firmId: id },
    {
      status: (s) => req.t('firms.timeline.status', { status: labelOf('firmStatuses', s, req.t) }),
      round: (stage, status) => req.t('firms.timeline.round', { stage: labelOf('roundStages', stage, req.t), status: labelOf('roundStatuses', status, req.t) }),
      action: (entity, action) => req.t('firms.timeline.edit', { entity: req.t(`firms.entities.${entity}`), action: req.t(`firms.actions.${action}`) }),
    },
  );
  return { title: nameIn(detail.firm, langOf(res)), ...detail, timeline, today: seoulToday() };
}

// GET /firms/:id — detail: summary, status history, residency, TIPS, people, rounds, timeline, notes, history
export async function show(req: Request, res: Response) {
  res.render('firms/show', { ...(await detailLocals(req, res, res.locals.input.params.id)), errors: {}, values: {} });
}

// GET /firms/:id/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: Response) {
  const firm = await firms.getFirm(res.locals.input.params.id);
  const values = toFirmFields(firm);
  await renderFirmForm(req, res, { firm, values: { ...values, _version: firm.__v, _base: JSON.stringify(values) } });
}

// POST /firms/:id — save; a save based on an old version is refused with what changed meanwhile
export async function update(req: Request, res: Response) {
  const id = res.locals.input.params.id as string;
  const firm = await firms.getFirm(id);
  if (res.locals.bodyErrors) return renderFirmForm(req, res, { firm, values: req.body, errors: res.locals.bodyErrors });
  try {
    await firms.updateFirm(id, res.locals.input.body as UpdateFirmInput, actorOf(req));
  } catch (err) {
    if (err instanceof AppError && err.code === 'edit_conflict') {
      const conflict = err.details as firms.ConflictDetails;
      // What the user changed stays, what only the other person changed is taken in, and fields both changed are flagged;
      // the version moves to the current one so a deliberate second save goes through.
      const current = toFirmFields(await firms.getFirm(id));
      const { values, clashes } = mergeOnConflict(parseBase(req.body._base), req.body, current);
      const errors = Object.fromEntries(clashes.map((f) => [f, ['firms.conflict.clash']]));
      return renderFirmForm(req, res, { firm, values: { ...values, _version: conflict.currentVersion, _base: JSON.stringify(current) }, errors, conflict, status: 409 });
    }
    return renderFirmForm(req, res, { firm, values: req.body, errors: fieldErrorsOf(err) });
  }
  flash(res, 'success', req.t('firms.saved'));
  res.redirect(`/firms/${id}`);
}

async function backToFirm(req: Request, res: Response, id: string, action: () => Promise<unknown>, success: string) {
  try {
    await action();
    flash(res, 'success', req.t(success));
  } catch (err) {
    const errors = fieldErrorsOf(err);
    flash(res, 'error', Object.values(errors).flat().filter((m): m is string => Boolean(m) && !/^\d+$/.test(m!)).map((m) => req.t(m)).join(' '));
  }
  res.redirect(`/firms/${id}`);
}

// POST /firms/:id/status — move along the pipeline with an effective date
export async function changeStatus(req: Request, res: Response) {
  const id = res.locals.input.params.id as string;
  if (res.locals.bodyErrors) {
    return renderForm(res, 'firms/show', { ...(await detailLocals(req, res, id)), values: req.body, errors: res.locals.bodyErrors });
  }
  await backToFirm(req, res, id, () => firms.changeStatus(id, res.locals.input.body as StatusChangeInput, actorOf(req)), 'firms.statusChanged');
}

// POST /firms/:id/archive and /restore
export const archive = (archived: boolean) => async (req: Request, res: Response) => {
  const id = res.locals.input.params.id as string;
  await backToFirm(req, res, id, () => firms.setArchived(id, archived, actorOf(req)), archived ? 'firms.archived' : 'firms.restored');
};

// POST /firms/:id/delete — admins only; refused while rounds exist
export async function destroy(req: Request, res: Response) {
  const id = res.locals.input.params.id as string;
  try {
    await firms.deleteFirm(id, actorOf(req));
  } catch (err) {
    const errors = fieldErrorsOf(err);
    flash(res, 'error', req.t('firms.errors.deleteHasRounds', { count: Number(errors.count?.[0] ?? 0) }));
    return res.redirect(`/firms/${id}`);
  }
  flash(res, 'success', req.t('firms.deleted'));
  res.redirect('/firms');
}

// POST /firms/:id/notes — add a staff note
export async function addNote(req: Request, res: Response) {
  const id = res.locals.input.params.id as string;
  if (res.locals.bodyErrors) {
    flash(res, 'error', req.t('firms.noteEmpty'));
    return res.redirect(`/firms/${id}#notes`);
  }
  await firms.addNote(id, (res.locals.input.body as { body: string }).body, actorOf(req));
  flash(res, 'success', req.t('firms.noteAdded'));
  res.redirect(`/firms/${id}#notes`);
}
