import type { Lang } from './money.js';

const SEOUL = 'Asia/Seoul';

const dateTimeFmt = {
  // 24-hour clock: some ICU builds print "PM" instead of "오후" for ko-KR.
  ko: new Intl.DateTimeFormat('ko-KR', {
    timeZone: SEOUL,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: SEOUL,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};
const dateFmt = {
  ko: new Intl.DateTimeFormat('ko-KR', { timeZone: SEOUL, dateStyle: 'medium' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: SEOUL, dateStyle: 'medium' }),
};

// Instants are stored in UTC and shown in Asia/Seoul.
export function formatDateTime(at: Date | null | undefined, lang: Lang): string {
  return at ? dateTimeFmt[lang].format(at) : '—';
}

// A calendar date (YYYY-MM-DD, no time) is shown as that day, never shifted by a time zone. A day's words never change,
// so each language keeps the ones it gave (up to a bound): a board or a report shows the same few days scores of times.
const daysShown = { ko: new Map<string, string>(), en: new Map<string, string>() };
const DAYS_KEPT = 5000;

export function formatCalendarDate(day: string | null | undefined, lang: Lang): string {
  if (!day) return '—';
  const kept = daysShown[lang].get(day);
  if (kept !== undefined) return kept;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const shown = dateFmt[lang].format(new Date(Date.UTC(y, m - 1, d, 3)));
  if (daysShown[lang].size >= DAYS_KEPT) daysShown[lang].clear();
  daysShown[lang].set(day, shown);
  return shown;
}

// Made once: building an Intl.DateTimeFormat costs far more than formatting with one (the reports call this per entry).
const isoDayFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: SEOUL,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// Today's date in Seoul as YYYY-MM-DD.
export function seoulToday(now: Date = new Date()): string {
  return isoDayFmt.format(now);
}

const CALENDAR_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isValidCalendarDate(s: string): boolean {
  if (!CALENDAR_DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}
