import { Router } from 'express';
import { requireLogin, requireRole } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { changePasswordBody, createUserBody, updateUserBody } from './users.schemas.js';
import * as users from './users.controller.js';

export const usersRouter = Router();
const admin = requireRole('admin');

usersRouter.get('/admin/users', admin, users.index);
usersRouter.get('/admin/users/new', admin, users.newForm);
usersRouter.post('/admin/users', admin, validate({ body: createUserBody }, { formView: true }), users.create);
usersRouter.get('/admin/users/:id/edit', admin, validate({ params: idParams }), users.editForm);
usersRouter.post(
  '/admin/users/:id',
  admin,
  validate({ params: idParams, body: updateUserBody }, { formView: true }),
  users.update,
);
usersRouter.get('/account/password', requireLogin(), users.passwordForm);
usersRouter.post(
  '/account/password',
  requireLogin(),
  validate({ body: changePasswordBody }, { formView: true }),
  users.changePassword,
);
