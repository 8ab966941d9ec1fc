export type FormValue = string | string[];
export type FormValues = Record<string, FormValue>;

const norm = (v: unknown, asList: boolean): FormValue => {
  if (asList) return (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(String).sort();
  return v === undefined || v === null ? '' : String(v).trim();
};
const same = (a: FormValue, b: FormValue) => JSON.stringify(a) === JSON.stringify(b);

// After an edit conflict: start from what the user typed, but where they left a field as they loaded it (base)
// take the value someone else saved since (theirs). Fields both changed differently are reported, keeping the user's.
export function mergeOnConflict(base: FormValues, mine: Record<string, unknown>, theirs: FormValues): { values: FormValues; clashes: string[] } {
  const values: FormValues = {};
  const clashes: string[] = [];
  for (const key of Object.keys(theirs)) {
    const asList = Array.isArray(theirs[key]);
    const b = norm(base[key], asList);
    const m = norm(mine[key], asList);
    const t = norm(theirs[key], asList);
    if (same(m, b)) values[key] = t;
    else {
      values[key] = m;
      if (!same(t, b) && !same(t, m)) clashes.push(key);
    }
  }
  return { values, clashes };
}

// The base values travel in the form as JSON; anything malformed counts as "no base" (every typed value kept).
export function parseBase(json: unknown): FormValues {
  if (typeof json !== 'string' || json.length > 50_000) return {};
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: FormValues = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') out[k] = x;
      else if (Array.isArray(x) && x.every((y) => typeof y === 'string')) out[k] = x;
    }
    return out;
  } catch {
    return {};
  }
}
