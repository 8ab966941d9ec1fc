import { Router } from 'express';
import { requireLogin, requireRole } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import {
  changePasswordBody,
  createUserBody,
  forgotBody,
  linkParams,
  setPasswordBody,
  updateUserBody,
} from './users.schemas.js';
import * as users from './users.controller.js';
import * as accountLinks from './account-links.controller.js';
import type { AccountLinkDeps } from './account-link-delivery.js';

// Admin user management, one's own password, and the one-time account links (invitations, password resets). The
// mailer and the request limiter come from createApp's dependencies.
export function usersRouter(deps: AccountLinkDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/admin/users', admin, users.index);
  router.get('/admin/users/new', admin, users.newForm);
  router.post('/admin/users', admin, validate({ body: createUserBody }, { formView: true }), users.create(deps));
  router.get('/admin/users/:id/edit', admin, validate({ params: idParams }), users.editForm);
  router.post(
    '/admin/users/:id',
    admin,
    validate({ params: idParams, body: updateUserBody }, { formView: true }),
    users.update,
  );
  router.post(
    '/admin/users/:id/invitation',
    admin,
    validate({ params: idParams }),
    accountLinks.issueLink('invite', deps),
  );
  router.post(
    '/admin/users/:id/reset-link',
    admin,
    validate({ params: idParams }),
    accountLinks.issueLink('reset', deps),
  );
  router.post('/admin/users/:id/revoke-link', admin, validate({ params: idParams }), accountLinks.revokeLink);

  router.get('/account/password', requireLogin(), users.passwordForm);
  router.post(
    '/account/password',
    requireLogin(),
    validate({ body: changePasswordBody }, { formView: true }),
    users.changePassword,
  );

  // For whoever holds the link (signed in or not): its token is the authorisation.
  for (const kind of ['invite', 'reset'] as const) {
    const path = `/account/${kind}/:token`;
    router.get(path, validate({ params: linkParams }), accountLinks.linkForm(kind, deps));
    router.post(
      path,
      validate({ params: linkParams, body: setPasswordBody }, { formView: true }),
      accountLinks.usePasswordLink(kind, deps),
    );
  }
  router.get('/account/forgot', accountLinks.forgotForm(deps));
  router.post('/account/forgot', validate({ body: forgotBody }, { formView: true }), accountLinks.forgot(deps));
  return router;
}
