import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import type { LoginLimiter } from './login-limiter.js';
import { safeReturnPath } from './auth.schemas.js';
import { LANG_COOKIE } from '../lib/i18n.js';
import type { SessionUser } from './session-user.js';
import { recordLogin } from '../users/index.js';

function renderLogin(req: Request, res: Response, status: number, values: { email?: string }, error?: string) {
  res.status(status).render('auth/login', { title: req.t('auth.loginTitle'), values, error });
}

// GET /login — the sign-in form
export function loginForm(req: Request, res: Response) {
  if (req.user) return res.redirect('/');
  renderLogin(req, res, 200, {});
}

// POST /login — rate-limited per account and per IP; the session id is regenerated on success
export function login(limiter: LoginLimiter) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const { email, password } = res.locals.input.body as { email: string; password: string };
    const ip = req.ip ?? 'unknown';
    const wait = await limiter.blockedFor(email, ip);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return renderLogin(req, res, 429, { email }, req.t('auth.tooMany', { minutes: Math.ceil(wait / 60) }));
    }
    if (!email || !password) return renderLogin(req, res, 422, { email }, req.t('auth.missing'));
    const user = await new Promise<SessionUser | false>((resolve, reject) => {
      passport.authenticate('local', (err: unknown, u: SessionUser | false) => (err ? reject(err) : resolve(u)))(req, res, next);
    });
    if (!user) {
      await limiter.recordFailure(email, ip);
      return renderLogin(req, res, 401, { email }, req.t('auth.failed'));
    }
    await limiter.recordSuccess(email);
    const returnTo = safeReturnPath(req.session.returnTo);
    // passport's req.login regenerates the session id (fixation defence); the old session's data is dropped.
    await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
    await recordLogin(user);
    res.redirect(returnTo);
  };
}

// POST /logout — end the session
export async function logout(req: Request, res: Response) {
  await new Promise<void>((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('tipstown.sid');
  res.redirect('/login');
}

// POST /lang — switch language; a cookie keeps the choice (works without JavaScript)
export function setLanguage(secure: boolean) {
  return (req: Request, res: Response) => {
    const { lang, next } = res.locals.input.body as { lang: 'ko' | 'en'; next?: string };
    res.cookie(LANG_COOKIE, lang, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure });
    res.redirect(safeReturnPath(next));
  };
}
