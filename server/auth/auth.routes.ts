import { Router } from 'express';
import { validate } from '../lib/validate.js';
import { loginBody, langBody } from './auth.schemas.js';
import { requireLogin } from './require-role.js';
import * as auth from './auth.controller.js';
import type { LoginLimiter } from './login-limiter.js';
import type { AccountLookups } from './session-user.js';

export function authRouter(deps: {
  limiter: LoginLimiter;
  secureCookies: boolean;
  accounts: Pick<AccountLookups, 'recordLogin'>;
}): Router {
  const router = Router();
  router.get('/login', auth.loginForm);
  router.post('/login', validate({ body: loginBody }), auth.login(deps.limiter, deps.accounts.recordLogin));
  router.post('/logout', requireLogin(), auth.logout);
  router.post('/lang', validate({ body: langBody }), auth.setLanguage(deps.secureCookies));
  return router;
}
