import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from './app-error.js';

type Schemas = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };

export type ValidInput<P = unknown, Q = unknown, B = unknown> = { params: P; query: Q; body: B };

// Parses params, query and body with zod into res.locals.input (Express 5's req.query is read-only).
// Params and query that fail are a 400/404; body failures are left to the controller (form re-render) via res.locals.bodyErrors.
export function validate(schemas: Schemas, opts: { formView?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    const input: Record<string, unknown> = { params: req.params, query: {}, body: {} };
    if (schemas.params) {
      const r = schemas.params.safeParse(req.params);
      if (!r.success) throw new AppError(404, 'not_found', 'not found');
      input.params = r.data;
    }
    if (schemas.query) {
      const r = schemas.query.safeParse(req.query);
      if (!r.success) throw new AppError(400, 'bad_query', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      input.query = r.data;
    }
    if (schemas.body) {
      const r = schemas.body.safeParse(req.body ?? {});
      if (r.success) input.body = r.data;
      else if (opts.formView) res.locals.bodyErrors = z.flattenError(r.error).fieldErrors;
      else throw new AppError(400, 'bad_request', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    res.locals.input = input;
    next();
  };
}

export const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'invalid id');
export const idParams = z.strictObject({ id: objectId });
