export type Lang = 'ko' | 'en';

const groupKo = new Intl.NumberFormat('ko-KR');

// Korean reading of a won amount in 조/억/만 units: 1,250,000,000 → "12억 5,000만원".
function formatKrwKo(amount: number): string {
  if (!Number.isSafeInteger(amount)) return '';
  const sign = amount < 0 ? '-' : '';
  let rest = Math.abs(amount);
  if (rest < 10_000) return `${sign}${groupKo.format(rest)}원`;
  const units: Array<[number, string]> = [
    [1_0000_0000_0000, '조'],
    [1_0000_0000, '억'],
    [1_0000, '만'],
  ];
  const parts: string[] = [];
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${groupKo.format(n)}${name}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(groupKo.format(rest));
  return `${sign}${parts.join(' ')}원`;
}

const compactEn = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

// English: "₩1.25B"; the full figure goes into a title attribute via formatKrwFull.
export function formatKrwEn(amount: number): string {
  if (!Number.isSafeInteger(amount)) return '';
  return `${amount < 0 ? '-' : ''}₩${compactEn.format(Math.abs(amount))}`;
}

// Formatters are made once per language and precision: building one per call cost more than rendering the rest of a
// 50-row list (Intl formatters are slow to create, quick to use).
const numberFormats = new Map<string, Intl.NumberFormat>();

// A number grouped in the language's way, with at most the given decimals: "1,234.5".
export function formatNumber(n: number, lang: Lang, maxFractionDigits = 0): string {
  const key = `${lang}:${maxFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: maxFractionDigits });
    numberFormats.set(key, format);
  }
  return format.format(n);
}

// An amount kept in a currency's minor units (cents), shown in that currency the language's way: "US$1,000,000.50" in
// Korean, "$1,000,000.50" in English. The decimal point is placed in the digits' text and Intl formats that text, so no
// floating point touches the amount.
const currencyFormats = new Map<string, Intl.NumberFormat>();

export function formatMinorUnits(minor: number, currency: string, lang: Lang): string {
  const key = `${lang}:${currency}`;
  let format = currencyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { style: 'currency', currency });
    currencyFormats.set(key, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const decimal = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  // (Intl formats a decimal string exactly; TypeScript's lib types format() for numbers only.)
  return format.format(`${minor < 0 ? '-' : ''}${decimal}` as unknown as number);
}

export function formatKrwFull(amount: number): string {
  return `KRW ${formatNumber(amount, 'en')}`;
}

// An amount of won as text that sorts as the number does (16 digits, zero-padded; amounts stay below 2^53): lists sort
// by it, since the embedded database walks an index in order for strings, never numbers (scripts/ferretdb).
export const wonSortKey = (amount: number): string => String(Math.max(0, Math.trunc(amount))).padStart(16, '0');

export function formatKrw(amount: number | null | undefined, lang: Lang): string {
  if (amount === null || amount === undefined) return '—';
  return lang === 'ko' ? formatKrwKo(amount) : formatKrwEn(amount);
}

const MAJOR: Record<string, bigint> = { 조: 10n ** 12n, 억: 10n ** 8n, 만: 10n ** 4n };
const MINOR: Record<string, bigint> = { 천: 1000n, 백: 100n, 십: 10n };
const MICRO = 1_000_000n; // decimals like "1.5억" are summed exactly in millionths of a won, then must come out whole

function toMicro(num: string): bigint | undefined {
  const [int, frac = ''] = num.split('.');
  if (frac.length > 6) return undefined;
  return BigInt(int!) * MICRO + BigInt(frac.padEnd(6, '0'));
}

// Parses a won amount as people type it: "1,250,000,000", "₩5억", "12억 5,000만원", "1.5억", "5천만", "３억" (full-width).
// Korean units are read literally: 조 > 억 > 만 in that order, 천/백/십 within a group. Never through floating point.
export function parseKrw(input: string): number | undefined {
  const s = input.normalize('NFKC').replace(/[\s,₩]|원$|krw/gi, '');
  if (s === '') return undefined;
  const token = /(\d+(?:\.\d+)?)|([십백천])|([조억만])/y;
  let total = 0n;
  let group = 0n;
  let pending: bigint | undefined;
  let lastMajor: bigint | undefined;
  let pos = 0;
  while (pos < s.length) {
    token.lastIndex = pos;
    const m = token.exec(s);
    if (!m) return undefined;
    pos = token.lastIndex;
    if (m[1] !== undefined) {
      if (pending !== undefined) return undefined;
      pending = toMicro(m[1]);
      if (pending === undefined) return undefined;
    } else if (m[2] !== undefined) {
      group += (pending ?? MICRO) * MINOR[m[2]]!;
      pending = undefined;
    } else {
      const unit = MAJOR[m[3]!]!; // the token matched, and not as a number or 천/백/십
      if (lastMajor !== undefined && unit >= lastMajor) return undefined;
      lastMajor = unit;
      group += pending ?? 0n;
      total += (group === 0n ? MICRO : group) * unit;
      group = 0n;
      pending = undefined;
    }
  }
  total += group + (pending ?? 0n);
  if (total % MICRO !== 0n) return undefined;
  const n = Number(total / MICRO);
  return Number.isSafeInteger(n) ? n : undefined;
}
