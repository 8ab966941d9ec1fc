import type { Request, Response } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import type { FormValues } from '../lib/three-way-merge.js';
import { investorOptions } from '../investors/index.js';
import { getFirm } from '../firms/firms.service.js';
import { nameIn } from '../lib/names.js';
import * as rounds from './rounds.service.js';
import { CURRENCIES, editRoundBody, type EditRoundInput, type RoundInput } from './rounds.schemas.js';
import { actorOf } from '../audit/index.js';

const BLANK_PARTICIPANT_ROWS = 4;

type StoredRound = Awaited<ReturnType<typeof rounds.getRound>>;
type RoundLike = Partial<Pick<StoredRound, 'stage' | 'instrument' | 'status' | 'amountKrw' | 'currency' | 'amountMinor' | 'preMoneyKrw' | 'announcedOn' | 'closedOn' | 'note'>> & {
  terms?: Partial<NonNullable<StoredRound['terms']>> | null;
  participants?: { investor: unknown; amountKrw?: number | null; lead?: boolean | null }[];
};

// A round (stored, or as typed) → the form's string values.
function roundValues(r?: RoundLike): FormValues {
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const participants = (r?.participants ?? []).map((p) => ({ investor: String(p.investor), amountKrw: s(p.amountKrw), lead: p.lead ? 'true' : '' }));
  const minor = r?.amountMinor;
  const digits = r ? CURRENCIES[(r.currency ?? 'KRW') as keyof typeof CURRENCIES] ?? 0 : 0;
  return {
    stage: s(r?.stage), instrument: s(r?.instrument), status: s(r?.status ?? 'closed'), amountKrw: s(r?.amountKrw), currency: s(r?.currency ?? 'KRW'),
    amountForeign: typeof minor === 'number' ? (digits ? `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}` : String(minor)) : '',
    preMoneyKrw: s(r?.preMoneyKrw), announcedOn: s(r?.announcedOn), closedOn: s(r?.closedOn), note: s(r?.note),
    valuationCapKrw: s(r?.terms?.valuationCapKrw), discountPct: s(r?.terms?.discountPct), interestPct: s(r?.terms?.interestPct),
    redemptionYears: s(r?.terms?.redemptionYears), conversionPriceKrw: s(r?.terms?.conversionPriceKrw), refixingFloorPct: s(r?.terms?.refixingFloorPct),
    participants,
  };
}

// Room for more participants (no JavaScript needed to add rows).
function withBlankRows(values: Record<string, unknown>): Record<string, unknown> {
  const raw = values.participants;
  const rows = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : []).filter(
    (r) => r && typeof r === 'object' && Object.values(r as object).some((v) => v !== '' && v !== undefined),
  );
  return { ...values, participants: [...rows, ...Array.from({ length: BLANK_PARTICIPANT_ROWS }, () => ({}))] };
}

async function renderRoundForm(req: Request, res: Response, locals: { round?: StoredRound } & Partial<FormState> & { values: Record<string, unknown> }) {
  const firm = await getFirm(res.locals.input.params.id);
  const title = `${locals.round ? req.t('rounds.edit') : req.t('rounds.new')} · ${nameIn(firm, res.locals.lang)}`;
  renderForm(res, 'rounds/form', { title, firm, investors: await investorOptions(), currencies: Object.keys(CURRENCIES), ...locals, values: withBlankRows(locals.values) });
}

const warn = (req: Request, res: Response, warning?: string) => warning && flash(res, 'warning', req.t(`rounds.warnings.${warning}`));

// GET /firms/:id/rounds/new
export async function newForm(req: Request, res: Response) {
  await renderRoundForm(req, res, { values: roundValues() });
}

// POST /firms/:id/rounds
export async function create(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderRoundForm(req, res, state),
    save: (input: RoundInput) => rounds.createRound(id, input, actorOf(req)),
    done: ({ warning }) => {
      flash(res, 'success', req.t('rounds.created'));
      warn(req, res, warning);
      res.redirect(`/firms/${id}#rounds`);
    },
  });
}

const versioned = (round: StoredRound): Versioned => ({ version: versionOf(round), values: roundValues(round) });

// GET /firms/:id/rounds/:roundId/edit — edit form carrying the version it was loaded at
export async function editForm(req: Request, res: Response) {
  const { id, roundId } = res.locals.input.params;
  const round = await rounds.getRound(id, roundId);
  await renderRoundForm(req, res, { round, values: editFormValues(versioned(round)) });
}

// POST /firms/:id/rounds/:roundId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: Response) {
  const { id, roundId } = res.locals.input.params;
  const round = await rounds.getRound(id, roundId);
  await handleForm(res, {
    render: (state) => renderRoundForm(req, res, { round, ...state }),
    save: (input: EditRoundInput) => rounds.updateRound(id, roundId, input, actorOf(req)),
    done: ({ warning }) => {
      flash(res, 'success', req.t('rounds.saved'));
      warn(req, res, warning);
      res.redirect(`/firms/${id}#rounds`);
    },
    merge: {
      schema: editRoundBody,
      valuesOf: (input) => roundValues(rounds.toRoundRecord(input)),
      current: async () => versioned(await rounds.getRound(id, roundId)),
    },
  });
}

// POST /firms/:id/rounds/:roundId/delete
export async function destroy(req: Request, res: Response) {
  const { id, roundId } = res.locals.input.params;
  await rounds.deleteRound(id, roundId, actorOf(req));
  flash(res, 'success', req.t('rounds.deleted'));
  res.redirect(`/firms/${id}#rounds`);
}
