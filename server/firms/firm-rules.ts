import type { FirmStatus, TipsStatus } from '../../models/enums.js';
import { sortKeyIn, type Named } from '../lib/names.js';

// The check digit of a 사업자등록번호 from its first nine digits (weights 1,3,7,1,3,7,1,3,5, plus the tens of 5 × the ninth).
function brnCheckDigit(nine: string): number {
  const d = (i: number) => Number(nine[i]); // NaN past the end: a short input never validates
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  let sum = 0;
  for (const [i, wi] of w.entries()) sum += d(i) * wi;
  sum += Math.floor((d(8) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

// 사업자등록번호 NNN-NN-NNNNN with its check digit.
export function isValidBrn(brn: string): boolean {
  const m = /^(\d{3})-?(\d{2})-?(\d{5})$/.exec(brn.trim());
  if (!m) return false;
  const digits = m[1]! + m[2]! + m[3]!;
  return brnCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

export function normaliseBrn(brn: string): string {
  const digits = brn.replace(/\D/g, '');
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}

// A valid number from nine leading digits (demo data, tests).
export function brnWithCheckDigit(nine: string): string {
  return normaliseBrn(nine + String(brnCheckDigit(nine)));
}

// Sort keys for the two UI languages: English lists by the English name, Korean lists in 가나다 order by the Korean name.
export function sortNameOf(f: Named): string {
  return sortKeyIn(f, 'en');
}

export function sortNameKoOf(f: Named): string {
  return sortKeyIn(f, 'ko');
}

// Lowercased words and their suffixes, so an anchored prefix query (which an index serves) finds any part of a word:
// "페이" finds "해운페이", "lend" finds "SmartLend". Names also count without spaces ("부산 페이" → "부산페이").
export function searchTokensOf(f: {
  nameKo?: string | null;
  nameEn?: string | null;
  pitch?: string | null;
  tags?: string[] | null;
  brn?: string | null;
}): string[] {
  const tokens = new Set<string>();
  const addWord = (w: string) => {
    const chars = [...w];
    for (let i = 0; i < chars.length - 1 || i === 0; i++) tokens.add(chars.slice(i).join(''));
  };
  const addText = (text: string | null | undefined) => {
    for (const w of (text ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) addWord(w);
  };
  addText(f.nameKo);
  addText(f.nameEn);
  for (const name of [f.nameKo, f.nameEn]) if (name) addWord(name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''));
  for (const t of f.tags ?? []) addText(t);
  if (f.brn) tokens.add(f.brn.replace(/\D/g, ''));
  addText(f.pitch);
  tokens.delete('');
  return [...tokens].slice(0, 400);
}

export function tipsStatusOf(
  t:
    | {
        recommendedOn?: string | null;
        evaluatedOn?: string | null;
        selectedOn?: string | null;
        agreementOn?: string | null;
        completedOn?: string | null;
      }
    | null
    | undefined,
): TipsStatus {
  if (!t) return 'none';
  if (t.completedOn) return 'completed';
  if (t.agreementOn) return 'agreement';
  if (t.selectedOn) return 'selected';
  if (t.evaluatedOn) return 'evaluated';
  if (t.recommendedOn) return 'recommended';
  return 'none';
}

// The pipeline: applicant → screening → admitted → resident → graduated | exited | withdrawn | rejected.
const NEXT: Record<FirmStatus, FirmStatus[]> = {
  applicant: ['screening', 'withdrawn', 'rejected'],
  screening: ['admitted', 'applicant', 'withdrawn', 'rejected'],
  admitted: ['resident', 'withdrawn', 'screening'],
  resident: ['graduated', 'exited', 'withdrawn'],
  graduated: ['resident'],
  exited: [],
  withdrawn: ['applicant'],
  rejected: ['applicant'],
};

export function allowedNextStatuses(from: FirmStatus): FirmStatus[] {
  return NEXT[from];
}

export function canMoveStatus(from: FirmStatus, to: FirmStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

type DerivedInput = Parameters<typeof searchTokensOf>[0] & { tips?: Parameters<typeof tipsStatusOf>[0] };

// Every field derived from a firm's own values, by its stored path: written with each save, recomputed after an undo.
export function derivedFirmFields(f: DerivedInput): {
  sortName: string;
  sortNameKo: string;
  searchTokens: string[];
  'tips.status': TipsStatus;
} {
  return {
    sortName: sortNameOf(f),
    sortNameKo: sortNameKoOf(f),
    searchTokens: searchTokensOf(f),
    'tips.status': tipsStatusOf(f.tips),
  };
}
