import type { Request } from 'express';
import type { AppResponse, Validated } from '../lib/validate.js';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues } from '../lib/edit-conflict.js';
import { actorOf } from '../audit/index.js';
import { formatKrw, formatNumber, type Lang } from '../lib/money.js';
import type { TargetMetric } from '../../models/enums.js';
import { metricUnit } from './report-metrics.js';
import { createTarget, getTarget, listTargets, updateTarget, versionedTarget } from './targets.service.js';
import {
  editTargetBody,
  MILESTONE_SLOTS,
  type EditTargetInput,
  type targetBody,
  type targetParams,
} from './reports.schemas.js';

type StoredTarget = Awaited<ReturnType<typeof getTarget>>;

function renderTargetForm(
  res: AppResponse,
  locals: { target?: StoredTarget } & Partial<FormState> & { values: Record<string, unknown> },
) {
  const title = locals.target ? res.req.t('reports.targets.edit') : res.req.t('reports.targets.new');
  renderForm(res, 'reports/target-form', { title, milestoneSlots: MILESTONE_SLOTS, ...locals });
}

// The form's values from the parsed input (numbers back to text, as a form holds them).
const inputValues = (input: EditTargetInput): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(input)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => [k, v === undefined ? '' : String(v)]),
  );

// GET /admin/targets — the targets, in dashboard order
export async function index(req: Request, res: AppResponse) {
  const lang: Lang = res.locals.lang;
  // A target's values in its metric's unit: won, or a count.
  const amount = (metric: TargetMetric, v: number) =>
    metricUnit(metric) === 'krw' ? formatKrw(v, lang) : formatNumber(v, lang, 3);
  res.render('reports/targets', { title: req.t('reports.targets.title'), targets: await listTargets(), amount });
}

// GET /admin/targets/new — a new target
export function newForm(req: Request, res: AppResponse) {
  renderTargetForm(res, { values: { metric: 'resident-firms' } });
}

// POST /admin/targets — create (validated; nothing saved on an error)
export async function create(req: Request, res: Validated<{ body: typeof targetBody }>) {
  await handleForm(res, {
    render: (state) => renderTargetForm(res, state),
    save: (input) => createTarget(input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('reports.targets.created'));
      res.redirect('/admin/targets');
    },
  });
}

// GET /admin/targets/:targetId/edit — edit; carries the version it was loaded at
export async function editForm(req: Request, res: Validated<{ params: typeof targetParams }>) {
  const target = await getTarget(res.locals.input.params.targetId);
  renderTargetForm(res, { target, values: editFormValues(versionedTarget(target)) });
}

// POST /admin/targets/:targetId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(
  req: Request,
  res: Validated<{ params: typeof targetParams; body: typeof editTargetBody }>,
) {
  const { targetId } = res.locals.input.params;
  const target = await getTarget(targetId);
  await handleForm(res, {
    render: (state) => renderTargetForm(res, { target, ...state }),
    save: (input) => updateTarget(targetId, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('reports.targets.saved'));
      res.redirect('/admin/targets');
    },
    merge: {
      schema: editTargetBody,
      valuesOf: inputValues,
      current: async () => versionedTarget(await getTarget(targetId)),
    },
  });
}
