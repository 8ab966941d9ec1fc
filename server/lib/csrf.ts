import type { NextFunction, Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { AppResponse } from './validate.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// The token comes in the form field _csrf (urlencoded, JSON or — after the upload is parsed — multipart) or the X-CSRF-Token header.
const tokenOf = (req: Request) => {
  const field: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof field === 'string' ? field : req.get('x-csrf-token');
};

// A request another site made the browser send. Browsers say so in Sec-Fetch-Site; without it (older browsers, scripts)
// an Origin naming another host does. "Origin: null" decides nothing: browsers send it for their own same-origin form
// posts under some referrer policies, and the token check still applies.
function isCrossSite(req: Pick<Request, 'get' | 'host'>): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'cross-site';
  const origin = req.get('origin');
  if (origin === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host !== req.host;
  } catch {
    return true;
  }
}

export type CsrfOptions = { secret: string; secureCookies: boolean; uploadPaths: readonly string[] };

// One CSRF design for the whole app: a signed double-submit cookie (csrf-csrf). It needs no stored session, so a visitor
// who has not signed in stores nothing on the server; once signed in, tokens are bound to the session id.
// Every POST/PUT/PATCH/DELETE must carry a valid token, whatever its content type. Multipart bodies are read only by the
// upload routes named in `uploadPaths`, which check the token with `csrfAfterUpload` once the upload is parsed and
// before their handler acts; multipart sent anywhere else is refused.
export function csrfProtection(opts: CsrfOptions): RequestHandler {
  const { generateCsrfToken, validateRequest, invalidCsrfTokenError } = doubleCsrf({
    getSecret: () => opts.secret,
    getSessionIdentifier: (req) => (req.user ? req.sessionID : ''),
    // __Host- cookies must be Secure; on plain HTTP (development) the prefix would make the browser drop the cookie.
    cookieName: opts.secureCookies ? '__Host-tipstown.csrf' : 'tipstown.csrf',
    cookieOptions: { sameSite: 'strict', secure: opts.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: tokenOf,
  });
  const uploads = new Set(opts.uploadPaths);
  return (req, res, next) => {
    if (STATE_CHANGING.has(req.method)) {
      if (isCrossSite(req)) return next(invalidCsrfTokenError);
      if (req.is('multipart/form-data')) {
        if (!uploads.has(req.path)) return next(invalidCsrfTokenError);
        res.locals.csrfValid = () => validateRequest(req);
      } else if (validateRequest(req)) res.locals.csrfChecked = true;
      else return next(invalidCsrfTokenError);
    }
    res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  };
}

// For an upload route, after the multipart body is parsed: the token check the app-wide guard left to it.
export function csrfAfterUpload(_req: Request, res: AppResponse, next: NextFunction): void {
  if (res.locals.csrfChecked === true || res.locals.csrfValid?.()) return next();
  const err = Object.assign(new Error('invalid csrf token'), { status: 403, code: 'EBADCSRFTOKEN' });
  next(err);
}
