import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, ValidationFailed } from '../lib/app-error.js';
import { handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { labelOf } from '../lib/labels.js';
import type { AppResponse, idParams, Validated } from '../lib/validate.js';
import { actorOf } from '../audit/index.js';
import {
  addMatchNote,
  BAD_MOVE,
  createMatch,
  getMatch,
  MATCH_EXISTS,
  moveMatch,
  updateMatchDetails,
  type MatchActor,
} from './matches.service.js';
import { interestShown } from './match-stages.js';
import { detailValues, matchDetail, moveBase, namesOf, staffOptions } from './match-read.service.js';
import { detailsBody, moveBody, type createMatchBody, type matchNoteBody } from './matches.schemas.js';

// A match's page (its id in the path), and a form posted to it.
type MatchPage = Validated<{ params: typeof idParams }>;
type MatchPost<Body extends z.ZodType> = Validated<{ params: typeof idParams; body: Body }>;

// Who acts, with the name the history shows.
const matchActorOf = (req: Request): MatchActor => ({ ...actorOf(req), name: req.user!.name });

type PageForms = { move?: FormState; details?: FormState; note?: FormState };

// The match page, with any of its three forms as the user sent it (errors beside the fields, a conflict above them).
async function renderMatch(req: Request, res: AppResponse, id: string, forms: PageForms = {}) {
  const [detail, staff] = await Promise.all([matchDetail(id), staffOptions()]);
  const m = detail.match;
  const status = forms.move?.status ?? forms.details?.status ?? forms.note?.status ?? 200;
  const blank = (values: Record<string, unknown>): FormState => ({ values, errors: {}, status: 200 });
  res.status(status).render('matches/show', {
    title: `${nameIn(detail.firm, res.locals.lang, '—')} × ${nameIn(detail.investor, res.locals.lang, '—')}`,
    ...detail,
    staff,
    move: forms.move ?? blank({ _version: String(versionOf(m)), _base: moveBase(m.stage) }),
    details: forms.details ?? blank(editFormValues({ version: versionOf(m), values: detailValues(m) })),
    note: forms.note ?? blank({}),
    stageLabel: (s: string) => labelOf('matchStages', s, req.t),
    interestedAt: interestShown(m),
  });
}

// GET /matches/:id — firm, investor, stage with its history, owner/next step/due date, notes, the moves it allows
export async function show(req: Request, res: MatchPage) {
  await renderMatch(req, res, res.locals.input.params.id);
}

// POST /matches/:id/move — one allowed step, on hold or passed (with a reason). A refused move says why (422); a move
// on a page someone has moved since comes back as a conflict (409); "invested" continues to the round form.
export async function move(req: Request, res: MatchPost<typeof moveBody>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderMatch(req, res, id, { move: state }),
    save: async (input) => {
      const passing = input.stage === 'passed';
      try {
        return await moveMatch(
          id,
          {
            to: input.stage,
            reason: passing ? input.reason : undefined,
            reasonText: passing ? input.reasonText : undefined,
            version: input._version,
          },
          matchActorOf(req),
        );
      } catch (err) {
        if (err instanceof AppError && err.code === BAD_MOVE)
          throw ValidationFailed({ stage: [`matches.refused.${(err.details as { reason: string }).reason}`] });
        throw err;
      }
    },
    done: (moved) => {
      if (moved.stage === 'invested') {
        flash(res, 'info', req.t('matches.flash.recordRound'));
        return res.redirect(`/firms/${moved.firm}/rounds/new?match=${id}`);
      }
      flash(res, 'success', req.t('matches.flash.moved', { stage: labelOf('matchStages', moved.stage, req.t) }));
      res.redirect(res.locals.input.body.back ?? `/matches/${id}`);
    },
    merge: {
      schema: moveBody,
      valuesOf: (input) => ({ stage: input.stage, reason: input.reason ?? '', reasonText: input.reasonText ?? '' }),
      current: async () => {
        const m = await getMatch(id);
        return { version: versionOf(m), values: { stage: m.stage, reason: '', reasonText: '' } };
      },
    },
  });
}

// POST /matches/:id/details — owner, next step, due date; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function details(req: Request, res: MatchPost<typeof detailsBody>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderMatch(req, res, id, { details: state }),
    save: (input) =>
      updateMatchDetails(
        id,
        { ownerId: input.owner, nextStep: input.nextStep, dueOn: input.dueOn, version: input._version },
        matchActorOf(req),
      ),
    done: () => {
      flash(res, 'success', req.t('matches.flash.saved'));
      res.redirect(`/matches/${id}`);
    },
    merge: {
      schema: detailsBody,
      valuesOf: (input) => ({ owner: input.owner ?? '', nextStep: input.nextStep ?? '', dueOn: input.dueOn ?? '' }),
      current: async () => {
        const m = await getMatch(id);
        return { version: versionOf(m), values: detailValues(m) };
      },
    },
  });
}

// POST /matches/:id/notes — a staff note on the match
export async function addNote(req: Request, res: MatchPost<typeof matchNoteBody>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderMatch(req, res, id, { note: state }),
    save: (input) => addMatchNote(id, input.body, matchActorOf(req)),
    done: () => {
      flash(res, 'success', req.t('matches.flash.noteAdded'));
      res.redirect(`/matches/${id}#notes`);
    },
  });
}

// The create form (from a suggestion): the pair by name, owner, next step, due date; after a refusal for an open match
// of the pair, a link to that match.
async function renderNewMatch(req: Request, res: AppResponse, state: FormState, existingId?: string) {
  const v = state.values;
  const valid = (x: unknown) => (typeof x === 'string' && /^[0-9a-f]{24}$/i.test(x) ? x : undefined);
  const [names, staff] = await Promise.all([
    namesOf({ firms: [valid(v.firm)], investors: [valid(v.investor)] }),
    staffOptions(),
  ]);
  res.status(existingId ? 409 : state.status).render('matches/new', {
    title: req.t('matches.new.title'),
    ...state,
    firm: names.firms.get(String(v.firm)),
    investor: names.investors.get(String(v.investor)),
    existingId,
    staff,
  });
}

// POST /matches — a match of a firm and an investor (or a closed one reopened); an open one for the pair is refused
export async function create(req: Request, res: Validated<{ body: typeof createMatchBody }>) {
  let existingId: string | undefined;
  await handleForm(res, {
    render: (state) => renderNewMatch(req, res, state, existingId),
    save: async (input) => {
      try {
        return await createMatch(
          {
            firmId: input.firm,
            investorId: input.investor,
            ownerId: input.owner,
            nextStep: input.nextStep,
            dueOn: input.dueOn,
          },
          matchActorOf(req),
        );
      } catch (err) {
        if (!(err instanceof AppError && err.code === MATCH_EXISTS)) throw err;
        existingId = (err.details as { matchId: string }).matchId;
        throw ValidationFailed({ investor: ['matches.errors.exists'] });
      }
    },
    done: ({ id, reopened }) => {
      flash(res, 'success', req.t(reopened ? 'matches.flash.reopened' : 'matches.flash.created'));
      res.redirect(`/matches/${id}`);
    },
  });
}
