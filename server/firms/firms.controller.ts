import { Types } from 'mongoose';
import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from '../lib/app-error.js';
import { renderForm, handleForm, fieldErrorsOf, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf } from '../lib/edit-conflict.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { AppResponse, idParams, Validated } from '../lib/validate.js';
import { investorOptions } from '../investors/index.js';
import { peopleOfFirm } from '../people/index.js';
import { seoulToday } from '../lib/dates.js';
import { nameIn } from '../lib/names.js';
import { labelOf } from '../lib/labels.js';
import { toFirmFields, toFirmRecord } from './firm-mapping.js';
import { listFirms } from './firm-list.service.js';
import { firmDetail, firmHistory } from './firm-detail.service.js';
import { keptHtml, sendPage } from '../lib/kept-html.js';
import { REF_SOURCES } from '../audit/index.js';
import { buildTimeline } from './firm-timeline.js';
import * as firms from './firms.service.js';
import {
  LIST_SORTS,
  updateFirmBody,
  type createFirmBody,
  type firmListQuery,
  type noteBody,
  type statusChangeBody,
} from './firms.schemas.js';
import { actorOf } from '../audit/index.js';
import { sharingPanel } from '../portal/index.js';

// GET /firms — searchable, filterable, keyset-paginated list; the filters live in the URL
// Its content is kept drawn (server/lib/kept-html.ts) per query and language until a firm is written, like the page of
// firms it shows: drawing 25 rows with their labels and the filters' options was most of the page's time in the app.
export async function index(req: Request, res: Validated<{ query: typeof firmListQuery }>) {
  const { query } = res.locals.input;
  const body = await keptHtml(res, ['firmActivity'], query, 'firms/list-body', async () => ({
    query,
    page: await listFirms(query, res.locals.lang),
    sorts: LIST_SORTS,
  }));
  await sendPage(res, 'firms/index', { title: req.t('firms.title'), body });
}

// A page of one firm (its id in the path), and a form posted to one.
type FirmPage = Validated<{ params: typeof idParams }>;
type FirmPost<Body extends z.ZodType> = Validated<{ params: typeof idParams; body: Body }>;

type FormLocals = { firm?: Awaited<ReturnType<typeof firms.getFirm>> } & Partial<FormState> & {
    values: Record<string, unknown>;
  };

async function renderFirmForm(req: Request, res: AppResponse, locals: FormLocals) {
  const [investors, people] = await Promise.all([
    investorOptions(),
    locals.firm ? peopleOfFirm(String(locals.firm._id)) : [],
  ]);
  const title = locals.firm ? `${req.t('firms.edit')}: ${nameIn(locals.firm, res.locals.lang)}` : req.t('firms.new');
  renderForm(res, 'firms/form', { title, investors, people, ...locals });
}

// GET /firms/new — registration form
export async function newForm(req: Request, res: AppResponse) {
  await renderFirmForm(req, res, { values: { status: 'applicant', newId: new Types.ObjectId().toHexString() } });
}

// POST /firms — register a firm
export async function create(req: Request, res: Validated<{ body: typeof createFirmBody }>) {
  await handleForm(res, {
    render: (state) => renderFirmForm(req, res, state),
    save: async (input) => ({ firm: await firms.createFirmOnce(input, actorOf(req)), newId: input.newId }),
    done: ({ firm, newId }) => {
      // Sent again: the firm is there from the first time, nothing was written now.
      flash(res, firm ? 'success' : 'info', req.t(firm ? 'firms.created' : 'firms.alreadySaved'));
      res.redirect(`/firms/${firm ? String(firm._id) : newId!}`);
    },
  });
}

// The firm page's content (summary, status, residency, TIPS, people, sharing, rounds, notes and the timeline of status
// changes, rounds, notes and the latest edits) is kept drawn (server/lib/kept-html.ts) per firm, language and whether
// the visitor is an admin, until the firm, a round, a person, a note, the audit log or a record the edits name is
// written: drawing its records with their forms, and the edits with their changes, was most of the page's time in the
// app. What is the request's own is filled in per request: the CSRF token, today's date (the status form's default)
// and the id a new note is saved under.
const PAGE_SOURCES = ['firmActivity', 'audit', 'notes', ...REF_SOURCES] as const;

// The page's content: its records, the sharing panel and the timeline.
async function detailLocals(req: Request, res: AppResponse, id: string) {
  const detail = await firmDetail(id);
  const { history, historyRefs } = await firmHistory(detail);
  const timeline = buildTimeline(
    {
      statusHistory: detail.firm.statusHistory,
      rounds: detail.rounds,
      notes: detail.notes,
      audit: history,
      firmId: id,
    },
    {
      status: (s) => req.t('firms.timeline.status', { status: labelOf('firmStatuses', s, req.t) }),
      round: (stage, status) =>
        req.t('firms.timeline.round', {
          stage: labelOf('roundStages', stage, req.t),
          status: labelOf('roundStatuses', status, req.t),
        }),
      action: (entity, action) =>
        req.t('firms.timeline.edit', {
          entity: req.t(`firms.entities.${entity}`),
          action: req.t(`firms.actions.${action}`),
        }),
    },
  );
  return {
    title: nameIn(detail.firm, res.locals.lang),
    ...detail,
    id,
    timeline,
    historyRefs,
    sharing: await sharingPanel(detail.firm, [...detail.investors.values()]),
  };
}

// What is the request's own on the firm page.
const requestLocals = () => ({ today: seoulToday(), newNoteId: new Types.ObjectId().toHexString() });

// GET /firms/:id — detail: summary, status history, residency, TIPS, people, rounds, timeline, notes, history
export async function show(req: Request, res: FirmPage) {
  const { id } = res.locals.input.params;
  const body = await keptHtml(
    res,
    PAGE_SOURCES,
    { id, admin: req.user!.role === 'admin' },
    'firms/show-body',
    async () => ({ ...(await detailLocals(req, res, id)), errors: {}, values: {} }),
    requestLocals(),
  );
  await sendPage(res, 'firms/show', { title: body.title, body });
}

const versioned = (firm: Awaited<ReturnType<typeof firms.getFirm>>) => ({
  version: versionOf(firm),
  values: toFirmFields(firm),
});

// GET /firms/:id/status — a reload after a rejected status form lands on the firm page, not a 404
export function statusPage(req: Request, res: FirmPage) {
  res.redirect(`/firms/${res.locals.input.params.id}#status`);
}

// GET /firms/:id/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: FirmPage) {
  const firm = await firms.getFirm(res.locals.input.params.id);
  await renderFirmForm(req, res, { firm, values: editFormValues(versioned(firm)) });
}

// POST /firms/:id — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: FirmPost<typeof updateFirmBody>) {
  const { id } = res.locals.input.params;
  const firm = await firms.getFirm(id);
  await handleForm(res, {
    render: (state) => renderFirmForm(req, res, { firm, ...state }),
    save: (input) => firms.updateFirm(id, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('firms.saved'));
      res.redirect(`/firms/${id}`);
    },
    merge: {
      schema: updateFirmBody,
      valuesOf: (input) => toFirmFields(toFirmRecord(input)),
      current: async () => versioned(await firms.getFirm(id)),
    },
  });
}

async function backToFirm(req: Request, res: AppResponse, id: string, action: () => Promise<unknown>, success: string) {
  try {
    await action();
    flash(res, 'success', req.t(success));
  } catch (err) {
    flash(
      res,
      'error',
      Object.values(fieldErrorsOf(err))
        .flat()
        .map((m) => req.t(m!))
        .join(' '),
    );
  }
  res.redirect(`/firms/${id}`);
}

// POST /firms/:id/status — move along the pipeline with an effective date
export async function changeStatus(req: Request, res: FirmPost<typeof statusChangeBody>) {
  const { id } = res.locals.input.params;
  if (res.locals.bodyErrors) {
    return renderForm(res, 'firms/show', {
      ...(await detailLocals(req, res, id)),
      ...requestLocals(),
      values: req.body,
      errors: res.locals.bodyErrors,
    });
  }
  await backToFirm(
    req,
    res,
    id,
    () => firms.changeStatus(id, res.locals.input.body, actorOf(req)),
    'firms.statusChanged',
  );
}

// POST /firms/:id/archive and /restore
export const archive = (archived: boolean) => async (req: Request, res: FirmPost<typeof csrfOnlyBody>) => {
  const { id } = res.locals.input.params;
  await backToFirm(
    req,
    res,
    id,
    () => firms.setArchived(id, archived, actorOf(req)),
    archived ? 'firms.archived' : 'firms.restored',
  );
};

// POST /firms/:id/delete — admins only; refused while rounds exist
export async function destroy(req: Request, res: FirmPost<typeof csrfOnlyBody>) {
  const { id } = res.locals.input.params;
  try {
    await firms.deleteFirm(id, actorOf(req));
  } catch (err) {
    if (!(err instanceof AppError && err.code === firms.HAS_ROUNDS)) throw err;
    flash(
      res,
      'error',
      req.t('firms.errors.deleteHasRounds', { count: (err.details as firms.HasRoundsDetails).rounds }),
    );
    return res.redirect(`/firms/${id}`);
  }
  flash(res, 'success', req.t('firms.deleted'));
  res.redirect('/firms');
}

// POST /firms/:id/notes — add a staff note
export async function addNote(req: Request, res: FirmPost<typeof noteBody>) {
  const { id } = res.locals.input.params;
  if (res.locals.bodyErrors) {
    flash(res, 'error', req.t('firms.noteEmpty'));
    return res.redirect(`/firms/${id}#notes`);
  }
  const { body, newId } = res.locals.input.body;
  const added = await firms.addNote(id, body, actorOf(req), newId);
  flash(res, added ? 'success' : 'info', req.t(added ? 'firms.noteAdded' : 'firms.noteAlreadyAdded'));
  res.redirect(`/firms/${id}#notes`);
}
