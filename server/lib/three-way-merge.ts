// A form's values as the edit forms carry them: text, a multi-select's list, or rows (a round's participants).
type FormValue = string | string[] | Record<string, string>[];
export type FormValues = Record<string, FormValue>;

// Compared as the form means them: blanks and surrounding spaces don't count, nor a multi-select's order; a single
// choice of a multi-select (a lone string) is a list of one.
const text = (v: unknown) =>
  (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '').trim();

function norm(v: unknown, asList = false): unknown {
  if (asList && !Array.isArray(v)) return text(v) === '' ? [] : [text(v)];
  if (Array.isArray(v)) {
    const items = v.map((x) => norm(x));
    return items.every((x): x is string => typeof x === 'string') ? items.filter((x) => x !== '').sort() : items;
  }
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, norm(x)]),
    );
  return text(v);
}
const isList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

// After an edit conflict: start from what the user sent (mine), but where they left a field as they loaded it (base),
// or did not send it at all, take the value someone else saved since (theirs). Fields both changed differently are
// reported as clashes, keeping the user's value. Without a base every value the user sent counts as theirs to keep.
export function mergeOnConflict(
  base: FormValues | undefined,
  mine: Record<string, unknown>,
  theirs: FormValues,
): { values: FormValues; clashes: string[] } {
  const values: FormValues = {};
  const clashes: string[] = [];
  for (const [key, t] of Object.entries(theirs)) {
    const b = base?.[key];
    const m = mine[key];
    const asList = isList(t);
    const same = (x: unknown, y: unknown) => JSON.stringify(norm(x, asList)) === JSON.stringify(norm(y, asList));
    if (m === undefined || same(m, b)) values[key] = t;
    else {
      values[key] = m as FormValue;
      if (!same(t, b) && !same(t, m)) clashes.push(key);
    }
  }
  return { values, clashes };
}

const isRow = (x: unknown): x is Record<string, string> =>
  Boolean(x) &&
  typeof x === 'object' &&
  !Array.isArray(x) &&
  Object.values(x as object).every((y) => typeof y === 'string');

// The base values travel in the form as JSON; anything missing or malformed is "no base" (undefined).
export function parseBase(json: unknown): FormValues | undefined {
  if (typeof json !== 'string' || json.length > 50_000) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const out: FormValues = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') out[k] = x;
      else if (Array.isArray(x) && x.every((y) => typeof y === 'string')) out[k] = x;
      else if (Array.isArray(x) && x.every(isRow)) out[k] = x;
    }
    return out;
  } catch {
    return undefined;
  }
}
