import type { Request, RequestHandler } from 'express';
import type { FieldErrors } from './app-error.js';
import { formatKrw, formatKrwFull, formatMinorUnits } from './money.js';
import { formatCalendarDate, formatDateTime } from './dates.js';
import { toLang } from './i18n.js';
import { withQuery } from './query-string.js';
import { enumOfField, labelOf, optionsOf, type EnumName } from './labels.js';
import { nameIn, secondNameIn } from './names.js';
import {
  changeRows,
  displayEntry,
  type AuditChangeIn,
  type AuditEntryIn,
  type AuditRefs,
} from '../audit/audit-display.js';

// The path of the page a request came from, when it is this app's own (same host), else the home page.
function pageOfReferer(req: Request): string {
  const referer = req.get('Referer');
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    return url.host === req.get('Host') ? url.pathname + url.search : '/';
  } catch {
    return '/';
  }
}

// Formatting helpers and page context for every view (no queries, no rules).
function pageLocals(req: Request) {
  const lang = toLang(req.language);
  const errors: FieldErrors = {};
  const values: Record<string, unknown> = {};
  return {
    lang,
    otherLang: lang === 'ko' ? ('en' as const) : ('ko' as const),
    fmt: {
      krw: (n: number | null | undefined) => formatKrw(n, lang),
      krwFull: (n: number | null | undefined) => (n === null || n === undefined ? '' : formatKrwFull(n)),
      // An amount in another currency's minor units (a round's amountMinor with its currency).
      minor: (n: number | null | undefined, currency: string) =>
        n === null || n === undefined ? currency : formatMinorUnits(n, currency, lang),
      dateTime: (d: Date | null | undefined) => formatDateTime(d, lang),
      day: (s: string | null | undefined) => formatCalendarDate(s, lang),
    },
    currentUrl: req.originalUrl,
    // Where the language switch returns to: this page, or for a page answering a form (a 422 after a POST, whose address
    // is not a page) the page the form was on, when the browser says it was one of ours.
    languageReturn: req.method === 'GET' ? req.originalUrl : pageOfReferer(req),
    currentPath: req.path,
    withQuery,
    options: (name: EnumName, blank?: string) => optionsOf(name, req.t, blank),
    label: (name: EnumName, value: string | null | undefined) => labelOf(name, value, req.t),
    enumOfField,
    nameIn,
    secondNameIn,
    // Audit entries and their changes in words (names, labels, formatted won; no ids or versions).
    audit: {
      entry: (e: AuditEntryIn, refs: AuditRefs = {}) => displayEntry(e, { t: req.t, lang, refs }),
      changes: (entity: string, changes: AuditChangeIn[] | null | undefined, refs: AuditRefs = {}) =>
        changeRows(entity, changes, { t: req.t, lang, refs }),
    },
    errors,
    values,
  };
}

// The locals every page has (typed as Express.Locals in server/types/express.d.ts).
export type PageLocals = ReturnType<typeof pageLocals>;

export const viewLocals: RequestHandler = (req, res, next) => {
  Object.assign(res.locals, pageLocals(req));
  next();
};

export const userLocals: RequestHandler = (req, res, next) => {
  res.locals.user = req.user;
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
};
