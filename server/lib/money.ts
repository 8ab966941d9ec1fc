export type Lang = 'ko' | 'en';

const groupKo = new Intl.NumberFormat('ko-KR');

// Korean reading of a won amount in 조/억/만 units: 1,250,000,000 → "12억 5,000만원".
export function formatKrwKo(amount: number): string {
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

export function formatKrwFull(amount: number): string {
  return `KRW ${new Intl.NumberFormat('en-US').format(amount)}`;
}

export function formatKrw(amount: number | null | undefined, lang: Lang): string {
  if (amount === null || amount === undefined) return '—';
  return lang === 'ko' ? formatKrwKo(amount) : formatKrwEn(amount);
}

// Parses a user-typed won amount: digits with optional commas/spaces and ₩/원, or Korean units like "12억 5,000만".
export function parseKrw(input: string): number | undefined {
  const s = input.replace(/[\s,₩]|원$|KRW/gi, '');
  if (s === '') return undefined;
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const m = /^(?:(\d+)조)?(?:(\d+)억)?(?:(\d+)만)?(\d+)?$/.exec(s);
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  const [jo, eok, man, one] = m.slice(1).map((g) => (g ? Number(g) : 0)) as [number, number, number, number];
  const n = jo * 1_0000_0000_0000 + eok * 1_0000_0000 + man * 1_0000 + one;
  return Number.isSafeInteger(n) ? n : undefined;
}
