import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import type { LoginLimiter } from './login-limiter.js';
import { safeReturnPath, type langBody, type loginBody } from './auth.schemas.js';
import { LANG_COOKIE } from '../lib/i18n.js';
import type { AccountLookups, SessionUser } from './session-user.js';
import { takeReturnTo } from './return-to.js';
import { SESSION_COOKIE } from '../sessions/index.js';
import type { AppResponse, Validated } from '../lib/validate.js';

function renderLogin(req: Request, res: AppResponse, status: number, values: { email?: string }, error?: string) {
  res.status(status).render('auth/login', { title: req.t('auth.loginTitle'), values, error });
}

// GET /login — the sign-in form
export function loginForm(req: Request, res: Response) {
  if (req.user) return res.redirect('/');
  renderLogin(req, res, 200, {});
}

// POST /login — refused while the (account, IP) pair or the IP is locked, slowed while the account is under attack;
// the session id is regenerated on success
export function login(limiter: LoginLimiter, recordLogin: AccountLookups['recordLogin']) {
  return async (req: Request, res: Validated<{ body: typeof loginBody }>, next: NextFunction) => {
    const { email, password } = res.locals.input.body;
    const ip = req.ip ?? 'unknown';
    const wait = await limiter.admit(email, ip);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return renderLogin(req, res, 429, { email }, req.t('auth.tooMany', { minutes: Math.ceil(wait / 60) }));
    }
    if (!email || !password) return renderLogin(req, res, 422, { email }, req.t('auth.missing'));
    const { user, refusal } = await new Promise<{ user: SessionUser | false; refusal?: string }>((resolve, reject) => {
      const done = (err: Error | null, u: SessionUser | false, info?: { message?: string }) =>
        err ? reject(err) : resolve({ user: u, refusal: info?.message });
      passport.authenticate('local', done)(req, res, next);
    });
    // Only the right password reaches 'deactivated'; it is no guess, so it neither counts nor resets.
    if (!user && refusal === 'deactivated') return renderLogin(req, res, 403, { email }, req.t('auth.deactivated'));
    if (!user) {
      await limiter.recordFailure(email, ip);
      return renderLogin(req, res, 401, { email }, req.t('auth.failed'));
    }
    await limiter.recordSuccess(email, ip);
    const returnTo = takeReturnTo(req, res);
    // passport's req.login regenerates the session id (fixation defence); the old session's data is dropped.
    await new Promise<void>((resolve, reject) =>
      req.login(user, (err?: Error | null) => (err ? reject(err) : resolve())),
    );
    await recordLogin(user);
    res.redirect(returnTo);
  };
}

// POST /logout — end the session
export async function logout(req: Request, res: Response) {
  await new Promise<void>((resolve, reject) => req.logout((err?: Error | null) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie(SESSION_COOKIE);
  res.redirect('/login');
}

// POST /lang — switch language; a cookie keeps the choice (works without JavaScript)
export function setLanguage(secure: boolean) {
  return (req: Request, res: Validated<{ body: typeof langBody }>) => {
    const { lang, next } = res.locals.input.body;
    res.cookie(LANG_COOKIE, lang, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure });
    res.redirect(safeReturnPath(next));
  };
}
