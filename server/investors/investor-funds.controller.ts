import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues } from '../lib/edit-conflict.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { NamedRecord } from '../lib/load-record.js';
import type { AppResponse, idParams, Schemas, Validated } from '../lib/validate.js';
import { nameIn } from '../lib/names.js';
import { actorOf } from '../audit/index.js';
import * as funds from './investor-funds.service.js';
import { toFundFields } from './investor-mapping.js';
import { editFundBody, type addFundBody, type fundParams } from './investors.schemas.js';

// Every fund page runs behind loadInvestor (investors.routes.ts): the organisation is in res.locals.
type InvestorLocals = { investor: NamedRecord };
type FundPage<S extends Schemas> = Validated<S, InvestorLocals>;

const backTo = (id: string) => `/investors/${id}#funds`;

function renderFundForm(
  req: Request,
  res: AppResponse<InvestorLocals>,
  locals: { fundId?: string } & Partial<FormState> & { values: Record<string, unknown> },
) {
  const heading = locals.fundId ? req.t('investors.funds.edit') : req.t('investors.funds.add');
  renderForm(res, 'investors/fund-form', {
    title: `${heading} · ${nameIn(res.locals.investor, res.locals.lang)}`,
    ...locals,
  });
}

// GET /investors/:id/funds/new
export function newForm(req: Request, res: FundPage<{ params: typeof idParams }>) {
  renderFundForm(req, res, { values: {} });
}

// POST /investors/:id/funds — add a fund
export async function add(req: Request, res: FundPage<{ params: typeof idParams; body: typeof addFundBody }>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderFundForm(req, res, state),
    save: (input) => funds.addFund(id, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('investors.funds.added'));
      res.redirect(backTo(id));
    },
  });
}

const versionedFund = async (id: string, fundId: string) => {
  const { fund, version } = await funds.getFund(id, fundId);
  return { version, values: toFundFields(fund) };
};

// GET /investors/:id/funds/:fundId/edit — form carrying the organisation's version
export async function editForm(req: Request, res: FundPage<{ params: typeof fundParams }>) {
  const { id, fundId } = res.locals.input.params;
  renderFundForm(req, res, { fundId, values: editFormValues(await versionedFund(id, fundId)) });
}

// POST /investors/:id/funds/:fundId — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: FundPage<{ params: typeof fundParams; body: typeof editFundBody }>) {
  const { id, fundId } = res.locals.input.params;
  await funds.getFund(id, fundId);
  await handleForm(res, {
    render: (state) => renderFundForm(req, res, { fundId, ...state }),
    save: (input) => funds.updateFund(id, fundId, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('investors.funds.saved'));
      res.redirect(backTo(id));
    },
    merge: { schema: editFundBody, valuesOf: (input) => toFundFields(input), current: () => versionedFund(id, fundId) },
  });
}

// POST /investors/:id/funds/:fundId/delete — remove a fund
export async function remove(req: Request, res: FundPage<{ params: typeof fundParams; body: typeof csrfOnlyBody }>) {
  const { id, fundId } = res.locals.input.params;
  await funds.removeFund(id, fundId, actorOf(req));
  flash(res, 'success', req.t('investors.funds.removed'));
  res.redirect(backTo(id));
}
