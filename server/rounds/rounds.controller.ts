import { Types } from 'mongoose';
import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import type { FormValues } from '../lib/three-way-merge.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { NamedRecord } from '../lib/load-record.js';
import type { AppResponse, idParams, Schemas, Validated } from '../lib/validate.js';
import { investorOptions } from '../investors/index.js';
import { nameIn } from '../lib/names.js';
import * as rounds from './rounds.service.js';
import { toRoundFields, toRoundRecord, type StoredRound } from './round-mapping.js';
import {
  CURRENCIES,
  editRoundBody,
  filledRows,
  type newRoundBody,
  type newRoundQuery,
  type roundParams,
} from './rounds.schemas.js';
import { actorOf } from '../audit/index.js';
import { linkRound, matchForRound } from '../matches/index.js';

const BLANK_PARTICIPANT_ROWS = 4;

// Every round page runs behind loadFirm (rounds.routes.ts): the round's firm is in res.locals.
type FirmLocals = { firm: NamedRecord };
type RoundPage<S extends Schemas> = Validated<S, FirmLocals>;

type Round = Awaited<ReturnType<typeof rounds.getRound>>;

// A round (stored, or as typed) → the form's string values; a new one starts as closed.
function roundValues(r: StoredRound = {}): FormValues {
  const participants = (r.participants ?? []).map((p) => ({
    investor: String(p.investor),
    amountKrw: String(p.amountKrw ?? ''),
    lead: p.lead ? 'true' : '',
  }));
  return { ...toRoundFields({ status: 'closed', ...r }), participants };
}

// The most rows the form shows (the schema takes at most 50 participants).
const MAX_PARTICIPANT_ROWS = 51;

// Room for more participants: the filled rows, then blank ones (at least `blanks`).
function withBlankRows(values: Record<string, unknown>, blanks = BLANK_PARTICIPANT_ROWS): Record<string, unknown> {
  const filled = filledRows(values.participants);
  const count = Math.max(0, Math.min(blanks, MAX_PARTICIPANT_ROWS - filled.length));
  return { ...values, participants: [...filled, ...Array.from({ length: count }, () => ({}))] };
}

// The rows a posted form had, filled or not.
function postedRowCount(v: unknown): number {
  return Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0;
}

// "Add a participant" (a submit button, so it works without JavaScript): the form comes back as typed with one more
// empty row, focused; nothing is saved. True when the post was that button.
async function addParticipantRow(req: Request, res: AppResponse<FirmLocals>, round?: Round): Promise<boolean> {
  const typed = (req.body ?? {}) as Record<string, unknown>;
  if (typed.addParticipant === undefined) return false;
  const { addParticipant: _button, ...values } = typed;
  const filled = filledRows(values.participants).length;
  const blanks = Math.max(1, postedRowCount(values.participants) - filled + 1);
  await renderRoundForm(req, res, { round, values, status: 200, errors: {}, focusRow: filled }, blanks);
  return true;
}

async function renderRoundForm(
  req: Request,
  res: AppResponse<FirmLocals>,
  locals: { round?: Round; focusRow?: number } & Partial<FormState> & { values: Record<string, unknown> },
  blanks?: number,
) {
  const title = `${locals.round ? req.t('rounds.edit') : req.t('rounds.new')} · ${nameIn(res.locals.firm, res.locals.lang)}`;
  renderForm(res, 'rounds/form', {
    title,
    investors: await investorOptions(),
    currencies: Object.keys(CURRENCIES),
    focusRow: undefined,
    ...locals,
    values: withBlankRows(locals.values, blanks),
  });
}

const warn = (req: Request, res: AppResponse, warning?: string) =>
  warning && flash(res, 'warning', req.t(`rounds.warnings.${warning}`));

// GET /firms/:id/rounds/new — from an invested match (?match=), with its investor among the participants (amount left empty)
export async function newForm(req: Request, res: RoundPage<{ params: typeof idParams; query: typeof newRoundQuery }>) {
  const matchId = res.locals.input.query.match;
  const from = matchId ? await matchForRound(matchId, res.locals.input.params.id) : undefined;
  const values = from
    ? { ...roundValues({ participants: [{ investor: from.investorId }] }), match: matchId! }
    : roundValues();
  await renderRoundForm(req, res, { values: { ...values, newId: new Types.ObjectId().toHexString() } });
}

// POST /firms/:id/rounds — a round recorded from a match is linked to it, and the user goes back to the match
export async function create(req: Request, res: RoundPage<{ params: typeof idParams; body: typeof newRoundBody }>) {
  const { id } = res.locals.input.params;
  if (await addParticipantRow(req, res)) return;
  await handleForm(res, {
    render: (state) => renderRoundForm(req, res, state),
    save: async ({ match, newId, ...input }) => {
      const saved = await rounds.createRoundOnce(id, input, actorOf(req), newId);
      // Sent again: the round is there from the first time, nothing was written now.
      if (!saved) return { warning: undefined, linkedMatch: undefined, again: true };
      const linked = match
        ? await linkRound(
            match,
            { id: String(saved.round._id), firm: id, stage: input.stage },
            { ...actorOf(req), name: req.user!.name },
          )
        : false;
      return { ...saved, linkedMatch: linked ? match : undefined };
    },
    done: ({ warning, linkedMatch, again }) => {
      flash(res, again ? 'info' : 'success', req.t(again ? 'rounds.alreadySaved' : 'rounds.created'));
      warn(req, res, warning);
      res.redirect(linkedMatch ? `/matches/${linkedMatch}` : `/firms/${id}#rounds`);
    },
  });
}

const versioned = (round: Round): Versioned => ({ version: versionOf(round), values: roundValues(round) });

// GET /firms/:id/rounds/:roundId/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: RoundPage<{ params: typeof roundParams }>) {
  const { id, roundId } = res.locals.input.params;
  const round = await rounds.getRound(id, roundId);
  await renderRoundForm(req, res, { round, values: editFormValues(versioned(round)) });
}

// POST /firms/:id/rounds/:roundId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: RoundPage<{ params: typeof roundParams; body: typeof editRoundBody }>) {
  const { id, roundId } = res.locals.input.params;
  const round = await rounds.getRound(id, roundId);
  if (await addParticipantRow(req, res, round)) return;
  await handleForm(res, {
    render: (state) => renderRoundForm(req, res, { round, ...state }),
    save: (input) => rounds.updateRound(id, roundId, input, actorOf(req)),
    done: ({ warning }) => {
      flash(res, 'success', req.t('rounds.saved'));
      warn(req, res, warning);
      res.redirect(`/firms/${id}#rounds`);
    },
    merge: {
      schema: editRoundBody,
      valuesOf: (input) => roundValues(toRoundRecord(input)),
      current: async () => versioned(await rounds.getRound(id, roundId)),
    },
  });
}

// POST /firms/:id/rounds/:roundId/delete
export async function destroy(req: Request, res: RoundPage<{ params: typeof roundParams; body: typeof csrfOnlyBody }>) {
  const { id, roundId } = res.locals.input.params;
  await rounds.deleteRound(id, roundId, actorOf(req));
  flash(res, 'success', req.t('rounds.deleted'));
  res.redirect(`/firms/${id}#rounds`);
}
