import type { RequestHandler } from 'express';
import { formatKrw, formatKrwFull } from './money.js';
import { formatCalendarDate, formatDateTime } from './dates.js';
import { toLang } from './i18n.js';
import { withQuery } from './query-string.js';

// Formatting helpers and page context for every view (no queries, no rules).
export const viewLocals: RequestHandler = (req, res, next) => {
  const lang = toLang(req.language);
  res.locals.lang = lang;
  res.locals.otherLang = lang === 'ko' ? 'en' : 'ko';
  res.locals.fmt = {
    krw: (n: number | null | undefined) => formatKrw(n, lang),
    krwFull: (n: number | null | undefined) => (n === null || n === undefined ? '' : formatKrwFull(n)),
    dateTime: (d: Date | null | undefined) => formatDateTime(d, lang),
    day: (s: string | null | undefined) => formatCalendarDate(s, lang),
  };
  res.locals.currentUrl = req.originalUrl;
  res.locals.currentPath = req.path;
  res.locals.withQuery = withQuery;
  res.locals.errors = {};
  res.locals.values = {};
  next();
};

export const userLocals: RequestHandler = (req, res, next) => {
  res.locals.user = req.user;
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
};
