import type { RequestHandler } from 'express';
import { formatKrw, formatKrwFull } from './money.js';
import { formatCalendarDate, formatDateTime } from './dates.js';
import { toLang } from './i18n.js';
import { withQuery } from './query-string.js';
import { enumOfField, labelOf, optionsOf, type EnumName } from './labels.js';
import { nameIn, secondNameIn } from './names.js';

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
  res.locals.options = (name: EnumName, blank?: string) => optionsOf(name, req.t, blank);
  res.locals.label = (name: EnumName, value: string | null | undefined) => labelOf(name, value, req.t);
  res.locals.enumOfField = enumOfField;
  res.locals.nameIn = nameIn;
  res.locals.secondNameIn = secondNameIn;
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
