export type FieldChange = { field: string; before: unknown; after: unknown };

// A change as the log stores it, in one field order: a missing side left out, a null kept.
export function storedChange(c: { field?: unknown; before?: unknown; after?: unknown }): Record<string, unknown> {
  const change: Record<string, unknown> = { field: c.field };
  if (c.before !== undefined) change.before = c.before;
  if (c.after !== undefined) change.after = c.after;
  return change;
}

// An ObjectId (mongoose's or the driver's) is known by its method, so this module imports no database code.
const isObjectId = (v: object): v is { toHexString(): string } =>
  'toHexString' in v && typeof v.toHexString === 'function';

function normalise(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length ? v.map(normalise) : null;
  if (typeof v === 'object' && v && isObjectId(v)) return v.toHexString();
  return v;
}

// Field-level before → after of two records (stored documents or plain objects); nested objects are compared by their
// flattened paths.
export function diffFields(before: object, after: object): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes: FieldChange[] = [];
  for (const field of keys) {
    const x = normalise(a[field]);
    const y = normalise(b[field]);
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ field, before: x, after: y });
  }
  return changes;
}

export function flatten(obj: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj) as [string, unknown][]) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !('toHexString' in v)) {
      Object.assign(out, flatten(v, key));
    } else {
      out[key] = v;
    }
  }
  return out;
}
