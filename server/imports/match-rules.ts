import { sortKeyIn } from '../lib/names.js';
import { isValidBrn, normaliseBrn, sortNameOf } from '../firms/index.js';
import { nameKeyOf } from '../investors/index.js';

// How a CSV row finds the stored record it means: firms by registration number, else by name; investors by name.

export type FirmRef = {
  _id: unknown;
  brn?: string | null;
  nameKo?: string | null;
  nameEn?: string | null;
  sortName?: string | null;
};
export type InvestorRef = { _id: unknown; nameKo?: string | null; nameEn?: string | null; nameKey: string };

export const OBJECT_ID = /^[0-9a-f]{24}$/i;

export function brnKey(cell: string | undefined): string | undefined {
  const v = (cell ?? '').trim();
  return v && isValidBrn(v) ? normaliseBrn(v) : undefined;
}

// A firm answers to its Korean name exactly, or to its English (sort) name in any case. The row's keys are worked out
// once (a file of 5,000 rows against the 600 firms it names compared them 3 million times, a sixth of the apply's time).
function firmNameMatcher(names: { nameKo?: string; nameEn?: string }): (firm: FirmRef) => boolean {
  const ko = names.nameKo?.trim();
  const en = names.nameEn?.trim().toLowerCase();
  const sort = sortNameOf({ nameKo: ko, nameEn: en });
  const koSort = ko ? sortNameOf({ nameKo: ko }) : undefined;
  return (firm) =>
    Boolean(sort && firm.sortName === sort) ||
    Boolean(ko && (firm.nameKo === ko || firm.sortName === koSort)) ||
    Boolean(en && firm.nameEn?.trim().toLowerCase() === en);
}

export function firmsNamed<F extends FirmRef>(firms: readonly F[], names: { nameKo?: string; nameEn?: string }): F[] {
  return firms.filter(firmNameMatcher(names));
}

// One name cell (participants, TIPS operator): the investor's name key (case-insensitive) or, failing that, its Korean name.
export function investorNamed<I extends InvestorRef>(investors: readonly I[], name: string): I | undefined {
  const key = nameKeyOf({ nameEn: name });
  const trimmed = name.trim();
  return investors.find((i) => i.nameKey === key) ?? investors.find((i) => i.nameKo?.trim() === trimmed);
}

// A contact person cell as the export writes it ("김담당 <kim@example.kr>", or the name alone) or as typed (an email).
export function personRefOf(cell: string): { email?: string; name?: string } {
  const v = cell.trim();
  const m = /^(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>$/.exec(v);
  if (m) return { email: m[2]!.toLowerCase(), name: m[1]!.trim() || undefined };
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(v)) return { email: v.toLowerCase() };
  return { name: v || undefined };
}

export type PersonRef = { _id: unknown; name?: string | null; email?: string | null };

// The person a contact cell means: by email (unique), else by a name only one person has.
export function personNamed<P extends PersonRef>(people: readonly P[], cell: string): P | undefined {
  const { email, name } = personRefOf(cell);
  if (email) return people.find((p) => p.email === email);
  const named = name ? people.filter((p) => p.name === name) : [];
  return named.length === 1 ? named[0] : undefined;
}

// The names a set of rows refers to, for one database query: name keys and Korean names.
export function lookupNames(names: Iterable<string | undefined>): { keys: string[]; raw: string[] } {
  const raw = [...new Set([...names].map((n) => n?.trim()).filter((n): n is string => Boolean(n)))];
  // A firm's sort name and an investor's name key are the same key of a name (server/lib/names.ts, sortKeyIn).
  return { keys: [...new Set(raw.map((n) => sortKeyIn({ nameEn: n }, 'en')))], raw };
}
