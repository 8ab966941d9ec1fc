import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, type FieldErrors } from './app-error.js';

type Schemas = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };

export type ValidInput<P = unknown, Q = unknown, B = unknown> = { params: P; query: Q; body: B };

// Text we refuse to store: NUL, U+FFFD (what the body parsers and the query parser make of bytes that are not UTF-8) and
// lone surrogates (a JSON "\ud800", which MongoDB would silently turn into U+FFFD).
const NOT_ALLOWED = /[\u0000\uFFFD\p{Cs}]/u;
const BAD_CHARACTERS = 'validation.badCharacters';

function hasBadText(v: unknown): boolean {
  if (typeof v === 'string') return NOT_ALLOWED.test(v);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => NOT_ALLOWED.test(k) || hasBadText(x));
  return false;
}

// The top-level fields (form names: participants[0][investor] counts as participants) holding such text at any depth.
function fieldsWithBadText(input: unknown): string[] {
  return input && typeof input === 'object' ? Object.entries(input).filter(([k, v]) => NOT_ALLOWED.test(k) || hasBadText(v)).map(([k]) => k) : [];
}

const describeIssues = (issues: { path: PropertyKey[]; message: string }[]) => issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
const badTextIssues = (fields: string[]) => fields.map((f) => ({ path: [f], message: 'contains characters that are not allowed' }));

// Parses params, query and body with zod into res.locals.input (Express 5's req.query is read-only).
// Params and query that fail are a 400/404; body failures are left to the controller (form re-render) via res.locals.bodyErrors.
// A field with NUL or undecodable text fails like any other invalid field, whatever its schema.
export function validate(schemas: Schemas, opts: { formView?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    const input: Record<string, unknown> = { params: req.params, query: {}, body: {} };
    if (schemas.params) {
      const r = schemas.params.safeParse(req.params);
      if (!r.success) throw new AppError(404, 'not_found', 'not found');
      input.params = r.data;
    }
    const badQuery = fieldsWithBadText(req.query);
    if (badQuery.length) throw new AppError(400, 'bad_query', describeIssues(badTextIssues(badQuery)));
    if (schemas.query) {
      const r = schemas.query.safeParse(req.query);
      if (!r.success) throw new AppError(400, 'bad_query', describeIssues(r.error.issues));
      input.query = r.data;
    }
    if (schemas.body) {
      const r = schemas.body.safeParse(req.body ?? {});
      const badBody = fieldsWithBadText(req.body);
      if (r.success && !badBody.length) input.body = r.data;
      else if (opts.formView) res.locals.bodyErrors = withBadText(r.success ? {} : z.flattenError(r.error).fieldErrors, badBody);
      else throw new AppError(400, 'bad_request', describeIssues([...(r.success ? [] : r.error.issues), ...badTextIssues(badBody)]));
    }
    res.locals.input = input;
    next();
  };
}

function withBadText(fieldErrors: FieldErrors, fields: string[]): FieldErrors {
  const errors: FieldErrors = { ...fieldErrors };
  for (const f of fields) errors[f] = [...(errors[f] ?? []), BAD_CHARACTERS];
  return errors;
}

export const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'invalid id');
export const idParams = z.strictObject({ id: objectId });
