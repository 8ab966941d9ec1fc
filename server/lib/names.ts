import type { Lang } from './money.js';

// Firms and investors have a Korean and an English name, at least one of them filled.
export type Named = { nameKo?: string | null; nameEn?: string | null };

// The one rule for showing a record's name: the page language's name, else the other one, else the fallback.
// Language-independent uses pass the language explicitly (sort keys, audit labels, CSV cells).
export function nameIn(record: Named | null | undefined, lang: Lang, fallback = ''): string {
  if (!record) return fallback;
  return (lang === 'en' ? record.nameEn || record.nameKo : record.nameKo || record.nameEn) || fallback;
}

// A record's name as a key to sort or match on: the name in that language, trimmed and lowercased.
function nameKeyIn(record: Named, lang: Lang): string {
  return nameIn(record, lang).trim().toLowerCase();
}

// A record's name as a list's sort key: its name key with every space, and every character that JSON escapes or that
// sorts below `#`, as `#` (which still sorts before letters and digits, as a space did). The stored JSON text of such a
// key orders exactly like the key, so the embedded database can read a sorted page by walking an index instead of
// sorting every firm (scripts/ferretdb/sqlite/pushdown.go, indexOrder); MongoDB orders it the same either way.
// UNWALKABLE_IN_SORT_KEY also finds keys stored before (the start-up upkeep rewrites them), so it is written for the
// server's regex engine too (\x, not \u; JavaScript's \s covers U+2028 and U+2029 as well).
// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const UNWALKABLE_IN_SORT_KEY = /[\s\x00-\x22\\<>&\x7f]/;
const UNWALKABLE_EVERYWHERE = new RegExp(UNWALKABLE_IN_SORT_KEY.source, 'g');
export function sortKeyIn(record: Named, lang: Lang): string {
  return nameKeyIn(record, lang).replace(UNWALKABLE_EVERYWHERE, '#');
}

// The name in the other language, shown beside the main one; '' unless the record has a different second name.
export function secondNameIn(record: Named | null | undefined, lang: Lang): string {
  const other = nameIn(record, lang === 'en' ? 'ko' : 'en');
  return other !== nameIn(record, lang) ? other : '';
}

// Compares two strings by code unit, the order MongoDB gives strings (and the stored sort keys): for lists sorted here
// that must page and read like those the database sorts.
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const collators = new Map<Lang, Intl.Collator>();

// Compares two names in the language's order. One collator per language: localeCompare(b, lang) builds one per call,
// which a sort of a few hundred names feels.
export function compareNames(a: string, b: string, lang: Lang): number {
  let collator = collators.get(lang);
  if (!collator) collators.set(lang, (collator = new Intl.Collator(lang)));
  return collator.compare(a, b);
}
