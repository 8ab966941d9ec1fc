// Whether a declared index serves a query, by MongoDB's ESR rule: the index's keys start with the query's equality fields
// (in any order), then its sort fields in order (all in the index's direction or all reversed; a sort field with an
// equality on it drops out), then its range fields (any order; a range on a sort field is served by the sort). `$or`
// branches are served one by one (each must be). An unanchored regex, `$not`, `$nor`, `$where` or `$expr` is served by
// no index. Pure: used by test/perf/query-shape.test.ts on the commands the pages send.

export type IndexKeys = [field: string, direction: number][];
export type QueryShape = { filter?: Record<string, unknown>; sort?: Record<string, number> };
export type Verdict = { served: true; index: IndexKeys } | { served: false; reason: string };

type Clause = { eq: Set<string>; range: Set<string>; bad: string[] };

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte', '$ne', '$nin', '$exists', '$type', '$size', '$mod', '$all']);
const EQ_OPS = new Set(['$eq', '$in']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !(v instanceof RegExp) &&
  Object.getPrototypeOf(v) === Object.prototype;

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

const anchored = (re: unknown) =>
  (re instanceof RegExp && re.source.startsWith('^') && !re.flags.includes('i')) ||
  (typeof re === 'string' && re.startsWith('^'));

// What one field's condition asks of an index.
function fieldCondition(field: string, cond: unknown, into: Clause): void {
  if (cond instanceof RegExp) {
    if (anchored(cond)) into.range.add(field);
    else into.bad.push(`${field}: unanchored regex`);
    return;
  }
  if (!isOperatorObject(cond)) {
    into.eq.add(field);
    return;
  }
  for (const [op, v] of Object.entries(cond)) {
    if (EQ_OPS.has(op)) into.eq.add(field);
    else if (RANGE_OPS.has(op)) into.range.add(field);
    else if (op === '$regex') {
      if (anchored(v)) into.range.add(field);
      else into.bad.push(`${field}: unanchored regex`);
    } else if (op === '$options') continue;
    else if (op === '$elemMatch' && isPlainObject(v)) {
      for (const [sub, c] of Object.entries(v))
        if (sub.startsWith('$')) fieldCondition(field, { [sub]: c }, into);
        else fieldCondition(`${field}.${sub}`, c, into);
    } else into.bad.push(`${field}: ${op}`);
  }
}

const copy = (c: Clause): Clause => ({ eq: new Set(c.eq), range: new Set(c.range), bad: [...c.bad] });

// The filter as the clauses an index must serve: one, or one per `$or` branch (nested ones multiplied out).
function clausesOf(filter: Record<string, unknown> = {}): Clause[] {
  let clauses: Clause[] = [{ eq: new Set(), range: new Set(), bad: [] }];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const part of cond as Record<string, unknown>[]) {
        const parts = clausesOf(part);
        clauses = clauses.flatMap((c) => parts.map((p) => merge(c, p)));
      }
    } else if (key === '$or' && Array.isArray(cond)) {
      const branches = (cond as Record<string, unknown>[]).flatMap((b) => clausesOf(b));
      clauses = clauses.flatMap((c) => branches.map((b) => merge(c, b)));
    } else if (key.startsWith('$')) {
      for (const c of clauses) c.bad.push(key);
    } else for (const c of clauses) fieldCondition(key, cond, c);
  }
  return clauses;
}

function merge(a: Clause, b: Clause): Clause {
  const out = copy(a);
  b.eq.forEach((f) => out.eq.add(f));
  b.range.forEach((f) => out.range.add(f));
  out.bad.push(...b.bad);
  return out;
}

// Whether the index's keys serve one clause with the sort.
function indexServes(keys: IndexKeys, clause: Clause, sort: Record<string, number> = {}): boolean {
  if (clause.bad.length) return false;
  let pos = 0;
  const eq = new Set(clause.eq);
  while (pos < keys.length && eq.has(keys[pos]![0])) eq.delete(keys[pos++]![0]);
  if (eq.size) return false;
  const sortKeys = Object.entries(sort).filter(([f]) => !clause.eq.has(f));
  let sign = 0;
  for (const [field, dir] of sortKeys) {
    const key = keys[pos];
    if (!key || key[0] !== field) return false;
    const s = Math.sign(key[1]) * Math.sign(dir);
    if (sign && s !== sign) return false;
    sign = s;
    pos += 1;
  }
  const sorted = new Set(sortKeys.map(([f]) => f));
  const range = new Set([...clause.range].filter((f) => !clause.eq.has(f) && !sorted.has(f)));
  while (pos < keys.length && range.has(keys[pos]![0])) range.delete(keys[pos++]![0]);
  return range.size === 0;
}

// Served if every clause has an index (the `_id` index counts) that serves it. An empty filter without a sort reads the
// whole collection and is served by nothing. A clause with an equality (or $in) on `_id` reads at most the documents it
// names, by the `_id` index, whatever else it asks: the rest is a filter and an in-memory sort of those few.
export function servedBy(indexes: readonly IndexKeys[], query: QueryShape): Verdict {
  const all: IndexKeys[] = [[['_id', 1]], ...indexes];
  const clauses = clausesOf(query.filter);
  let used: IndexKeys | undefined;
  for (const clause of clauses) {
    if (!clause.eq.size && !clause.range.size && !clause.bad.length && !Object.keys(query.sort ?? {}).length)
      return { served: false, reason: 'no filter and no sort: reads the whole collection' };
    const index = clause.eq.has('_id') ? all[0] : all.find((keys) => indexServes(keys, clause, query.sort));
    if (!index) {
      const parts = [
        clause.eq.size && `equality ${[...clause.eq].join(', ')}`,
        Object.keys(query.sort ?? {}).length && `sort ${Object.keys(query.sort ?? {}).join(', ')}`,
        clause.range.size && `range ${[...clause.range].join(', ')}`,
        clause.bad.length && `unindexable ${clause.bad.join(', ')}`,
      ].filter(Boolean);
      return { served: false, reason: `no index serves ${parts.join('; ')}` };
    }
    used ??= index;
  }
  return { served: true, index: used ?? [['_id', 1]] };
}
