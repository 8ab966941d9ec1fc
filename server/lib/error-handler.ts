import { promisify } from 'node:util';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { i18n as I18n } from 'i18next';
import { AppError } from './app-error.js';
import { createI18n, i18nMiddleware } from './i18n.js';
import { viewLocals } from './view-locals.js';
import { isDbUnreachableError } from '../db/db-errors.js';

// Seconds a client is asked to wait on a 503 (database unreachable, shutting down).
const RETRY_AFTER_SECONDS = 5;

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404);
  res.format({
    html: () => res.render('errors/404', { title: req.t ? req.t('errors.notFoundTitle') : 'Not found' }),
    json: () => res.json({ error: 'not_found' }),
    default: () => res.type('txt').send('Not found'),
  });
};

let ownI18n: Promise<I18n> | undefined;

// An error raised before the page context was set up (the request gates mounted first: shutting down, database down)
// runs the same i18n and view-locals middleware the pages use, with an instance of its own made on first need.
async function ensurePageContext(req: Request, res: Response): Promise<void> {
  if (typeof res.locals.t === 'function' && res.locals.lang) return;
  ownI18n ??= createI18n();
  const i18n = await ownI18n;
  for (const middleware of [i18nMiddleware(i18n), viewLocals]) await promisify(middleware)(req, res);
}

// What the handler reads of any thrown value (Express's body parser puts an HTTP status on its errors, the CSRF check a
// code); none of it is sure to be there.
type Thrown = { status?: unknown; code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
const thrownFields = (err: unknown): Thrown => (typeof err === 'object' && err !== null ? err : {});

// One error handler: known AppErrors keep their status; an unreachable database is a 503 "temporarily unavailable"
// page; anything else is logged with the request id and shown as a plain 500.
export function errorHandler(opts: { showStack: boolean }): ErrorRequestHandler {
  return async (err: unknown, req, res, _next) => {
    const e = thrownFields(err);
    const dbDown = !(err instanceof AppError) && isDbUnreachableError(err);
    const clientStatus = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : undefined;
    const status = err instanceof AppError ? err.status : dbDown ? 503 : (clientStatus ?? 500);
    if (dbDown) req.log?.warn({ error: `${String(e.name)}: ${String(e.message)}` }, 'database unavailable');
    else if (status >= 500 && status !== 503) req.log?.error({ err }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof AppError && err.code === 'bad_cursor' && firstPageInstead(req, res)) return;
    res.status(status);
    const code =
      err instanceof AppError
        ? err.code
        : dbDown
          ? 'unavailable'
          : status === 403 && e.code === 'EBADCSRFTOKEN'
            ? 'csrf'
            : status >= 500
              ? 'server_error'
              : 'request_error';
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    try {
      await ensurePageContext(req, res);
    } catch (contextErr) {
      req.log?.error({ err: contextErr }, 'error page context failed');
    }
    // The error may come before the session and user were set up (e.g. the session store failed): give the views what they read.
    res.locals.user ??= undefined;
    res.locals.csrfToken ??= '';
    res.locals.flash ??= [];
    // A 503 never shows a stack: it is an expected state, not a bug.
    const showStack = opts.showStack && status >= 500 && status !== 503;
    res.format({
      html: () =>
        res.render(
          view(status),
          {
            title: `${status}`,
            status,
            code,
            message: status >= 500 ? undefined : e.message,
            stack: showStack ? String(e.stack ?? err) : undefined,
            requestId: req.id,
          },
          (renderErr: unknown, html: string) => {
            // A page that cannot render must not fall through to Express's own handler (which prints a stack).
            if (renderErr) {
              req.log?.error({ err: renderErr }, 'error page failed to render');
              res.type('txt').send(fallbackText(status, e));
            } else res.send(html);
          },
        ),
      json: () =>
        res.json({
          error: code,
          message: status === 503 ? 'temporarily unavailable' : status >= 500 ? 'internal error' : e.message,
        }),
      default: () => res.type('txt').send(fallbackText(status, e)),
    });
  };
}

// A list's page link that does not fit the list (edited, cut short, from another sort) shows the list's first page with
// a notice instead of a refusal: a GET of a signed-in user is sent there (the page cursors removed), the notice flashed.
function firstPageInstead(req: Request, res: Response): boolean {
  if (req.method !== 'GET' || !req.session || typeof req.t !== 'function') return false;
  const url = new URL(req.originalUrl, 'http://localhost');
  url.searchParams.delete('after');
  url.searchParams.delete('before');
  req.session.flash = [...(req.session.flash ?? []), { kind: 'warning', message: req.t('query.cursorIgnored') }];
  res.redirect(303, url.pathname + url.search);
  return true;
}

function view(status: number): string {
  return status === 404
    ? 'errors/404'
    : status === 403
      ? 'errors/403'
      : status === 503
        ? 'errors/unavailable'
        : status >= 500
          ? 'errors/500'
          : 'errors/400';
}

function fallbackText(status: number, err: { message?: unknown }): string {
  return status === 503 ? 'Temporarily unavailable' : status >= 500 ? 'Internal error' : String(err.message);
}
