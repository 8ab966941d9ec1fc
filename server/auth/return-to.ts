import type { Request, Response } from 'express';
import { safeReturnPath } from './auth.schemas.js';

// Where to go after signing in, kept in a short-lived cookie rather than a session: a visitor who has not signed in
// stores nothing on the server.
const RETURN_TO_COOKIE = 'tipstown.next';

export function rememberReturnTo(res: Response, url: string, secure: boolean): void {
  res.cookie(RETURN_TO_COOKIE, url, { httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60_000 });
}

export function takeReturnTo(req: Request, res: Response): string {
  const cookies = req.cookies as Record<string, string> | undefined;
  const url = safeReturnPath(cookies?.[RETURN_TO_COOKIE]);
  res.clearCookie(RETURN_TO_COOKIE);
  return url;
}
