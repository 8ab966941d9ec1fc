import type { Response } from 'express';
import { AppError, type FieldErrors } from './app-error.js';

// A rejected form re-renders with status 422, what the user typed, and every error beside its field.
export function renderForm(res: Response, view: string, locals: { values: unknown; errors?: FieldErrors; status?: number; [k: string]: unknown }): void {
  const errors = locals.errors ?? {};
  res.status(locals.status ?? (Object.keys(errors).length ? 422 : 200)).render(view, { ...locals, errors });
}

// Turns a service's Conflict/ValidationFailed with field details into field errors for the form; anything else is rethrown.
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (err instanceof AppError && (err.status === 409 || err.status === 422) && err.details && typeof err.details === 'object') {
    return err.details as FieldErrors;
  }
  throw err;
}

export function flash(res: Response, kind: 'success' | 'error' | 'info' | 'warning', message: string): void {
  const session = res.req.session;
  if (!session) return;
  session.flash = [...(session.flash ?? []), { kind, message }];
}
