// The value at a dotted path of a nested record ("tips.status"), undefined where the path does not lead anywhere.
export function valueAt(doc: object, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc);
}
