import type { Request, Response } from 'express';
import * as users from './users.service.js';
import { investorOptions } from '../investors/index.js';
import { renderForm, fieldErrorsOf, flash } from '../lib/forms.js';
import type { ChangePasswordInput, CreateUserInput, UpdateUserInput } from './users.schemas.js';
import { actorOf } from '../audit/index.js';

// GET /admin/users — all accounts
export async function index(req: Request, res: Response) {
  res.render('users/index', { title: req.t('users.title'), users: await users.listUsers() });
}

// GET /admin/users/new — invite form
export async function newForm(req: Request, res: Response) {
  renderForm(res, 'users/form', { title: req.t('users.new'), values: { role: 'staff' }, orgs: await investorOptions() });
}

// POST /admin/users — create an account
export async function create(req: Request, res: Response) {
  const errors = res.locals.bodyErrors;
  const orgs = () => investorOptions();
  if (errors) return renderForm(res, 'users/form', { title: req.t('users.new'), values: { ...req.body, password: '' }, errors, orgs: await orgs() });
  try {
    await users.createUser(res.locals.input.body as CreateUserInput, actorOf(req));
  } catch (err) {
    return renderForm(res, 'users/form', { title: req.t('users.new'), values: { ...req.body, password: '' }, errors: fieldErrorsOf(err), orgs: await orgs() });
  }
  flash(res, 'success', req.t('users.created'));
  res.redirect('/admin/users');
}

// GET /admin/users/:id/edit — edit role, name, active
export async function editForm(req: Request, res: Response) {
  const user = await users.getUser(res.locals.input.params.id);
  renderForm(res, 'users/form', { title: user.email, account: user, values: { ...user, investorOrg: user.investorOrg ? String(user.investorOrg) : '', active: String(user.active) }, orgs: await investorOptions() });
}

// POST /admin/users/:id — save changes
export async function update(req: Request, res: Response) {
  const { id } = res.locals.input.params;
  const user = await users.getUser(id);
  const rerender = async (errors: Record<string, string[] | undefined>) =>
    renderForm(res, 'users/form', { title: user.email, account: user, values: { ...req.body, password: '' }, errors, orgs: await investorOptions() });
  if (res.locals.bodyErrors) return rerender(res.locals.bodyErrors);
  try {
    await users.updateUser(id, res.locals.input.body as UpdateUserInput, actorOf(req));
  } catch (err) {
    return rerender(fieldErrorsOf(err));
  }
  flash(res, 'success', req.t('users.saved'));
  res.redirect('/admin/users');
}

// GET /account/password — change one's own password
export function passwordForm(req: Request, res: Response) {
  renderForm(res, 'users/password', { title: req.t('account.changePassword'), values: {} });
}

// POST /account/password — the current password is required; the user's other sessions end
export async function changePassword(req: Request, res: Response) {
  const render = (errors: Record<string, string[] | undefined>) => renderForm(res, 'users/password', { title: req.t('account.changePassword'), values: {}, errors });
  if (res.locals.bodyErrors) return render(res.locals.bodyErrors);
  const outcome = await users.changeOwnPassword(req.user!.id, res.locals.input.body as ChangePasswordInput, req.sessionID);
  if (outcome === 'wrongCurrent') return render({ currentPassword: ['account.wrongCurrent'] });
  flash(res, 'success', req.t('account.passwordChanged'));
  res.redirect('/');
}
