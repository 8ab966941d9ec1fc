import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error.js';

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404);
  res.format({
    html: () => res.render('errors/404', { title: req.t ? req.t('errors.notFoundTitle') : 'Not found' }),
    json: () => res.json({ error: 'not_found' }),
    default: () => res.type('txt').send('Not found'),
  });
};

// One error handler: known AppErrors keep their status; anything else is logged with the request id and shown as a plain 500.
export function errorHandler(opts: { showStack: boolean }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = err instanceof AppError ? err.status : typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) req.log?.error({ err }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status);
    const code = err instanceof AppError ? err.code : status === 403 && err?.code === 'EBADCSRFTOKEN' ? 'csrf' : status >= 500 ? 'server_error' : 'request_error';
    if (err instanceof AppError && err.details && typeof err.details === 'object' && 'retryAfterSeconds' in err.details) {
      res.setHeader('Retry-After', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
    }
    const view = status === 404 ? 'errors/404' : status === 403 ? 'errors/403' : status === 503 ? 'errors/unavailable' : status >= 500 ? 'errors/500' : 'errors/400';
    // The error may come before the page context was set up (e.g. the session store failed): give the views what they read.
    res.locals.user ??= undefined;
    res.locals.csrfToken ??= '';
    res.locals.flash ??= [];
    res.format({
      html: () =>
        res.render(view, {
          title: `${status}`,
          status,
          code,
          message: status >= 500 ? undefined : err.message,
          stack: opts.showStack && status >= 500 ? String(err?.stack ?? err) : undefined,
          requestId: req.id,
        }, (renderErr: unknown, html: string) => {
          // A page that cannot render must not fall through to Express's own handler (which prints a stack).
          if (renderErr) {
            req.log?.error({ err: renderErr }, 'error page failed to render');
            res.type('txt').send(status >= 500 ? 'Internal error' : String(err.message));
          } else res.send(html);
        }),
      json: () => res.json({ error: code, message: status >= 500 ? 'internal error' : err.message }),
      default: () => res.type('txt').send(status >= 500 ? 'Internal error' : String(err.message)),
    });
  };
}
