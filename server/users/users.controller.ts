import type { Request } from 'express';
import * as users from './users.service.js';
import { investorOptions } from '../investors/index.js';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { updateUserBody, type changePasswordBody, type createUserBody } from './users.schemas.js';
import type { AppResponse, idParams, Validated } from '../lib/validate.js';
import { actorOf } from '../audit/index.js';

type Account = Awaited<ReturnType<typeof users.getUser>>;
// investorOrg: the stored ObjectId or the id as typed; either prints as the hex id.
type AccountFields = {
  name: string;
  role: string;
  investorOrg?: { toString(): string } | null;
  active?: boolean | string | null;
  password?: string;
};

// An account (stored, or as typed) as the edit form's values; a password is never shown, only typed.
const userValues = (u: AccountFields) => ({
  name: u.name,
  role: u.role,
  investorOrg: u.investorOrg ? String(u.investorOrg) : '',
  active: String(u.active ?? true),
  password: u.password ?? '',
});
const versioned = (user: Account): Versioned => ({ version: versionOf(user), values: userValues(user) });

// The typed password never goes back into the page.
async function renderUserForm(
  res: AppResponse,
  locals: { account?: Account } & Partial<FormState> & { values: Record<string, unknown> },
) {
  const title = locals.account ? locals.account.email : res.req.t('users.new');
  renderForm(res, 'users/form', {
    title,
    orgs: await investorOptions(),
    ...locals,
    values: { ...locals.values, password: '' },
  });
}

// GET /admin/users — all accounts
export async function index(req: Request, res: AppResponse) {
  res.render('users/index', { title: req.t('users.title'), users: await users.listUsers() });
}

// GET /admin/users/new — invite form
export async function newForm(req: Request, res: AppResponse) {
  await renderUserForm(res, { values: { role: 'staff' } });
}

// POST /admin/users — create an account
export async function create(req: Request, res: Validated<{ body: typeof createUserBody }>) {
  await handleForm(res, {
    render: (state) => renderUserForm(res, state),
    save: (input) => users.createUser(input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('users.created'));
      res.redirect('/admin/users');
    },
  });
}

// GET /admin/users/:id/edit — edit role, name, active; carries the version it was loaded at
export async function editForm(req: Request, res: Validated<{ params: typeof idParams }>) {
  const account = await users.getUser(res.locals.input.params.id);
  await renderUserForm(res, { account, values: editFormValues(versioned(account)) });
}

// POST /admin/users/:id — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: Validated<{ params: typeof idParams; body: typeof updateUserBody }>) {
  const { id } = res.locals.input.params;
  const account = await users.getUser(id);
  await handleForm(res, {
    render: (state) => renderUserForm(res, { account, ...state }),
    save: (input) => users.updateUser(id, input, actorOf(req)),
    done: () => {
      flash(res, 'success', req.t('users.saved'));
      res.redirect('/admin/users');
    },
    // A form without the status field leaves it as stored.
    merge: {
      schema: updateUserBody,
      valuesOf: (input) => ({ ...userValues(input), active: input.active }),
      current: async () => versioned(await users.getUser(id)),
    },
  });
}

// GET /account/password — change one's own password
export function passwordForm(req: Request, res: AppResponse) {
  renderForm(res, 'users/password', { title: req.t('account.changePassword'), values: {} });
}

// POST /account/password — the current password is required; the user's other sessions end
export async function changePassword(req: Request, res: Validated<{ body: typeof changePasswordBody }>) {
  await handleForm(res, {
    render: (state) =>
      renderForm(res, 'users/password', { title: req.t('account.changePassword'), ...state, values: {} }),
    save: (input) => users.changeOwnPassword(req.user!.id, input, req.sessionID),
    done: () => {
      flash(res, 'success', req.t('account.passwordChanged'));
      res.redirect('/');
    },
  });
}
