import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError, type FieldErrors } from './app-error.js';

// What a route checks: its path parameters, query string and body, each with a zod schema (all optional).
export type Schemas = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };

type Parsed<S, K extends keyof Schemas, Otherwise> = S extends { [k in K]: infer T extends z.ZodType }
  ? z.output<T>
  : Otherwise;

// The parsed input of a route validated with S: what its schemas output; a part without a schema is as Express gave
// it (params) or empty (query, body).
type ValidInput<S extends Schemas> = {
  params: Parsed<S, 'params', Request['params']>;
  query: Parsed<S, 'query', Record<string, never>>;
  body: Parsed<S, 'body', Record<string, never>>;
};

// Ties a handler's declared input to the validate() in front of it: the marker is invariant in S, so a route whose
// validate() checks other schemas than its handler reads does not compile.
declare const VALIDATED_WITH: unique symbol;
type InputLocals<S extends Schemas> = { input: ValidInput<S>; readonly [VALIDATED_WITH]?: (schemas: S) => S };

// A response whose res.locals are typed: the app's own (Express.Locals, server/types/express.d.ts) and L. Express's
// default (Record<string, any>) would make every local `any`.
export type AppResponse<L extends object = Record<never, never>> = Response<unknown, L>;

// The response of a handler behind validate(S) (and a loader adding L, e.g. { firm }): res.locals.input is S's output.
export type Validated<S extends Schemas, L extends object = Record<never, never>> = AppResponse<InputLocals<S> & L>;

// Text we refuse to store: NUL, U+FFFD (what the body parsers and the query parser make of bytes that are not UTF-8) and
// lone surrogates (a JSON "\ud800", which MongoDB would silently turn into U+FFFD).
const NOT_ALLOWED = /[\0\uFFFD\p{Cs}]/u;
const BAD_CHARACTERS = 'validation.badCharacters';

function hasBadText(v: unknown): boolean {
  if (typeof v === 'string') return NOT_ALLOWED.test(v);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => NOT_ALLOWED.test(k) || hasBadText(x));
  return false;
}

// The top-level fields (form names: participants[0][investor] counts as participants) holding such text at any depth.
function fieldsWithBadText(input: unknown): string[] {
  return input && typeof input === 'object'
    ? Object.entries(input)
        .filter(([k, v]) => NOT_ALLOWED.test(k) || hasBadText(v))
        .map(([k]) => k)
    : [];
}

const describeIssues = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
const badTextIssues = (fields: string[]) =>
  fields.map((f) => ({ path: [f], message: 'contains characters that are not allowed' }));

// Parses params, query and body with zod into res.locals.input (Express 5's req.query is read-only); the handler after it
// declares the same schemas in its response type (Validated<S>) and reads the parsed input typed.
// A query parameter the schema does not know (a messenger's fbclid, utm_*) is ignored; one with a value that does not fit
// is dropped and the page says so (a notice naming the filter in the user's language), so a list shows unfiltered for
// it rather than refusing. With strictQuery (a file or API answer, where no notice can be shown) a bad value is a 400.
// Params that fail are a 404; body failures are left to the controller (form re-render) via res.locals.bodyErrors,
// and the body is then not parsed: with formView, read input.body only without bodyErrors (handleForm does so).
// A field with NUL or undecodable text fails like any other invalid field, whatever its schema.
export function validate<S extends Schemas>(
  schemas: S,
  opts: { formView?: boolean; strictQuery?: boolean } = {},
): RequestHandler<Request['params'], unknown, unknown, Request['query'], InputLocals<S>> {
  return (req, res, next) => {
    const input: Record<keyof Schemas, unknown> = { params: req.params, query: {}, body: {} };
    if (schemas.params) {
      const r = schemas.params.safeParse(req.params);
      if (!r.success) throw new AppError(404, 'not_found', 'not found');
      input.params = r.data;
    }
    const badQuery = fieldsWithBadText(req.query);
    if (badQuery.length) throw new AppError(400, 'bad_query', describeIssues(badTextIssues(badQuery)));
    if (schemas.query) {
      const r = parseQuery(schemas.query, req.query, opts.strictQuery ?? false);
      if (!r.ok) throw new AppError(400, 'bad_query', describeIssues(r.issues));
      input.query = r.data;
      if (r.ignored.length) noteIgnoredFilters(req, res, r.ignored);
    }
    if (schemas.body) {
      const r = schemas.body.safeParse(req.body ?? {});
      const badBody = fieldsWithBadText(req.body);
      if (r.success && !badBody.length) input.body = r.data;
      else if (opts.formView)
        res.locals.bodyErrors = withBadText(r.success ? {} : z.flattenError(r.error).fieldErrors, badBody);
      else
        throw new AppError(
          400,
          'bad_request',
          describeIssues([...(r.success ? [] : r.error.issues), ...badTextIssues(badBody)]),
        );
    }
    // The one place the schemas' output becomes the static input type.
    res.locals.input = input as ValidInput<S>;
    next();
  };
}

type QueryParse = { ok: true; data: unknown; ignored: string[] } | { ok: false; issues: z.core.$ZodIssue[] };

// The query's keys the schema knows (all of them when it is not an object schema).
function knownKeys(schema: z.ZodType, query: Record<string, unknown>): Record<string, unknown> {
  if (!(schema instanceof z.ZodObject)) return query;
  const shape = schema.shape as Record<string, unknown>;
  return Object.fromEntries(Object.entries(query).filter(([k]) => Object.hasOwn(shape, k)));
}

// Unknown keys dropped; then each key an issue points at (a bad value, a refinement across keys) is dropped and named in
// `ignored` until what is left parses. An issue about the whole query that no key explains stays a failure.
export function parseQuery(schema: z.ZodType, query: unknown, strictValues: boolean): QueryParse {
  let rest = knownKeys(schema, query && typeof query === 'object' ? (query as Record<string, unknown>) : {});
  const ignored: string[] = [];
  for (;;) {
    const r = schema.safeParse(rest);
    if (r.success) return { ok: true, data: r.data, ignored };
    const keys = new Set(r.error.issues.map((i) => i.path[0]).filter((k): k is string => typeof k === 'string'));
    const culprits = [...keys].filter((k) => Object.hasOwn(rest, k));
    if (strictValues || !culprits.length) return { ok: false, issues: r.error.issues };
    ignored.push(...culprits);
    rest = Object.fromEntries(Object.entries(rest).filter(([k]) => !culprits.includes(k)));
  }
}

// The notice at the top of the page naming the filters that were ignored (query.params.<key>, the key itself otherwise).
function noteIgnoredFilters(req: Request, res: Response, keys: string[]): void {
  const t = req.t;
  if (typeof t !== 'function') return;
  const names = keys.map((k) => t(`query.params.${k}`, { defaultValue: k }));
  const flash = Array.isArray(res.locals.flash) ? res.locals.flash : [];
  res.locals.flash = [...flash, { kind: 'warning', message: t('query.ignored', { names: names.join(', ') }) }];
}

function withBadText(fieldErrors: FieldErrors, fields: string[]): FieldErrors {
  const errors: FieldErrors = { ...fieldErrors };
  for (const f of fields) errors[f] = [...(errors[f] ?? []), BAD_CHARACTERS];
  return errors;
}

export const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'invalid id');
export const idParams = z.strictObject({ id: objectId });
