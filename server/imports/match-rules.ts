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

// A firm answers to its Korean name exactly, or to its English (sort) name in any case.
function firmNameMatches(firm: FirmRef, names: { nameKo?: string; nameEn?: string }): boolean {
  const ko = names.nameKo?.trim();
  const en = names.nameEn?.trim().toLowerCase();
  const sort = sortNameOf({ nameKo: ko, nameEn: en });
  if (sort && firm.sortName === sort) return true;
  if (ko && (firm.nameKo === ko || firm.sortName === ko.toLowerCase())) return true;
  return Boolean(en && firm.nameEn?.trim().toLowerCase() === en);
}

export function firmsNamed<F extends FirmRef>(firms: readonly F[], names: { nameKo?: string; nameEn?: string }): F[] {
  return firms.filter((f) => firmNameMatches(f, names));
}

// One name cell (participants, TIPS operator): the investor's name key (case-insensitive) or, failing that, its Korean name.
export function investorNamed<I extends InvestorRef>(investors: readonly I[], name: string): I | undefined {
  const key = nameKeyOf({ nameEn: name });
  const trimmed = name.trim();
  return investors.find((i) => i.nameKey === key) ?? investors.find((i) => i.nameKo?.trim() === trimmed);
}

// The names a set of rows refers to, for one database query: name keys and Korean names.
export function lookupNames(names: Iterable<string | undefined>): { keys: string[]; raw: string[] } {
  const raw = [...new Set([...names].map((n) => n?.trim()).filter((n): n is string => Boolean(n)))];
  return { keys: [...new Set(raw.map((n) => n.toLowerCase()))], raw };
}
