import type { Request } from 'express';
import { z } from 'zod';
import { AppError, type FieldErrors } from './app-error.js';
import { isEditConflict, type Editor, type Versioned } from './edit-conflict.js';
import { mergeOnConflict, parseBase } from './three-way-merge.js';
import type { AppResponse } from './validate.js';

// After a save over someone else's: who saved meanwhile, and the fields both changed (their value, the user's).
type ConflictView = { by: Editor[]; clashes: { field: string; theirs: unknown; yours: unknown }[] };

// What a form page is rendered with: the values to show, each field's errors, the status, and a conflict if any.
export type FormState = {
  values: Record<string, unknown>;
  errors: FieldErrors;
  status: number;
  conflict?: ConflictView;
};

// A rejected form re-renders with status 422, what the user typed, and every error beside its field.
export function renderForm(
  res: AppResponse,
  view: string,
  locals: { values: unknown; errors?: FieldErrors; status?: number; [k: string]: unknown },
): void {
  const errors = locals.errors ?? {};
  res
    .status(locals.status ?? (Object.keys(errors).length ? 422 : 200))
    .render(view, { conflict: undefined, ...locals, errors });
}

// A service's Conflict/ValidationFailed carrying field errors, as the form's field errors; anything else is rethrown.
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (
    err instanceof AppError &&
    (err.code === 'conflict' || err.code === 'validation_failed') &&
    err.details &&
    typeof err.details === 'object'
  ) {
    return err.details as FieldErrors;
  }
  throw err;
}

// How a record's edit form is merged after a conflicting save (server/lib/edit-conflict.ts).
type FormMerge<I> = {
  // The form's body schema: a merge is read through it again before it is saved.
  schema: z.ZodType<I, unknown>;
  // The user's (parsed) input as the form's values, shaped like current().values; a field left undefined was not sent.
  valuesOf: (input: I) => Record<string, unknown>;
  // The stored record now: its form values and version.
  current: () => Promise<Versioned>;
};

export type FormHandling<I, R> = {
  render: (state: FormState) => unknown;
  save: (input: I) => Promise<R>;
  done: (result: R) => void;
  merge?: FormMerge<I>;
};

// Rounds of "someone saved again while we merged" before the user is asked instead.
const MAX_MERGES = 3;

// The one way a form POST is handled: body errors re-render (422) with what was typed; the service's field errors
// likewise; an edit conflict is merged and saved when nobody changed a field the other did, and otherwise comes back
// (409) with the merge and the fields both changed flagged; anything else is rethrown to the error handler.
export async function handleForm<I, R>(
  res: AppResponse<{ input: { body: I } }>,
  form: FormHandling<I, R>,
): Promise<void> {
  const typed = ((res.req as Request).body ?? {}) as Record<string, unknown>;
  if (res.locals.bodyErrors) {
    await form.render({ values: typed, errors: res.locals.bodyErrors, status: 422 });
    return;
  }
  let input: I = res.locals.input.body;
  let base = parseBase(typed._base);
  for (let merges = 0; ; merges++) {
    let result: R;
    try {
      result = await form.save(input);
    } catch (err) {
      if (!form.merge || !isEditConflict(err)) {
        await form.render({ values: typed, errors: fieldErrorsOf(err), status: 422 });
        return;
      }
      const current = await form.merge.current();
      const mine = form.merge.valuesOf(input);
      const { values: merged, clashes } = mergeOnConflict(base, mine, current.values);
      const values = { ...merged, _version: String(current.version), _base: JSON.stringify(current.values) };
      const conflict: ConflictView = {
        by: err.details.by,
        clashes: clashes.map((field) => ({ field, theirs: current.values[field], yours: mine[field] })),
      };
      if (base && !clashes.length && merges < MAX_MERGES) {
        const again = form.merge.schema.safeParse(values);
        if (again.success) {
          input = again.data;
          base = current.values;
          continue;
        }
        // Each change was fine alone, together they break a rule (a date before another): the user decides.
        await form.render({ values, errors: z.flattenError(again.error).fieldErrors, status: 409, conflict });
        return;
      }
      await form.render({
        values,
        errors: Object.fromEntries(clashes.map((f) => [f, ['conflict.clash']])),
        status: 409,
        conflict,
      });
      return;
    }
    if (merges > 0) flash(res, 'info', res.req.t('conflict.mergedAndSaved'));
    form.done(result);
    return;
  }
}

export function flash(res: AppResponse, kind: 'success' | 'error' | 'info' | 'warning', message: string): void {
  const session = res.req.session;
  if (!session) return;
  session.flash = [...(session.flash ?? []), { kind, message }];
}
