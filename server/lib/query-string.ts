// A filter value of a list page's query (what validate() parsed).
type QueryValue = string | number | boolean | null | undefined;

// A link to `path` with the current filters, some replaced or removed (undefined/'' drop a key).
export function withQuery(
  path: string,
  current: Record<string, QueryValue>,
  overrides: Record<string, QueryValue> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...current, ...overrides })) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
