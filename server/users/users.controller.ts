import type { Request } from 'express';
import * as users from './users.service.js';
import { investorOptions } from '../investors/index.js';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { updateUserBody, type changePasswordBody, type createUserBody } from './users.schemas.js';
import type { AppResponse, idParams, Validated } from '../lib/validate.js';
import { actorOf } from '../audit/index.js';
import * as links from './account-links.service.js';
import { deliverToAdmin, type AccountLinkDeps, type ShownLink } from './account-link-delivery.js';

type Account = Awaited<ReturnType<typeof users.getUser>>;
// investorOrg: the stored ObjectId or the id as typed; either prints as the hex id.
type AccountFields = {
  name: string;
  role: string;
  investorOrg?: { toString(): string } | null;
  active?: boolean | string | null;
};

// An account (stored, or as typed) as the edit form's values. Nobody types another person's password: an invitation
// or reset link lets them choose their own.
const userValues = (u: AccountFields) => ({
  name: u.name,
  role: u.role,
  investorOrg: u.investorOrg ? String(u.investorOrg) : '',
  active: String(u.active ?? true),
});
const versioned = (user: Account): Versioned => ({ version: versionOf(user), values: userValues(user) });

// The user's page: the edit form, and (an existing account) its sign-in link, with the one just issued to copy.
async function renderUserForm(
  res: AppResponse,
  locals: { account?: Account; shown?: ShownLink } & Partial<FormState> & { values: Record<string, unknown> },
) {
  const title = locals.account ? locals.account.email : res.req.t('users.new');
  const link = locals.account ? await links.latestLinkOf(String(locals.account._id)) : null;
  renderForm(res, 'users/form', { title, orgs: await investorOptions(), link, shown: undefined, ...locals });
}

// The user's page as it is stored, with a link just issued (server/users/account-links.controller.ts).
export async function renderAccountPage(res: AppResponse, id: string, shown?: ShownLink) {
  const account = await users.getUser(id);
  await renderUserForm(res, { account, shown, values: editFormValues(versioned(account)) });
}

// GET /admin/users — all accounts
export async function index(req: Request, res: AppResponse) {
  res.render('users/index', { title: req.t('users.title'), users: await users.listUsers() });
}

// GET /admin/users/new — invite form
export async function newForm(req: Request, res: AppResponse) {
  await renderUserForm(res, { values: { role: 'staff' } });
}

// POST /admin/users — create an account without a password and invite its user: the user's page shows the invitation
// link to copy (the only time it is shown), emailed too when email is configured
export function create(deps: AccountLinkDeps) {
  return async (req: Request, res: Validated<{ body: typeof createUserBody }>) => {
    let created: string | undefined;
    await handleForm(res, {
      render: (state) => renderUserForm(res, state),
      save: (input) => users.createUser(input, actorOf(req)),
      done: (user) => {
        created = String(user._id);
      },
    });
    if (!created) return;
    const shown = await deliverToAdmin(req, deps, await links.issueInvitation(created, actorOf(req)));
    res.locals.flash = [...(res.locals.flash ?? []), { kind: 'success', message: req.t('users.created') }];
    await renderAccountPage(res, created, shown);
  };
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
