import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { LanguageDetector } from 'i18next-http-middleware';
import type { RequestHandler } from 'express';
import { localesDir } from './paths.js';
import type { Lang } from './money.js';

const LANGS: readonly Lang[] = ['ko', 'en'] as const;
export const LANG_COOKIE = 'lang';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

// server/locales/<lang>.json holds the common strings; server/locales/<lang>/<feature>.json a feature's, under the key <feature>.
export function loadLocale(lang: Lang): Record<string, unknown> {
  const strings = readJson(path.join(localesDir, `${lang}.json`));
  const dir = path.join(localesDir, lang);
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      strings[path.basename(file, '.json')] = readJson(path.join(dir, file));
    }
  }
  return strings;
}

export async function createI18n(): Promise<I18n> {
  const instance = i18next.createInstance();
  const detector = new LanguageDetector(undefined, {
    order: ['cookie', 'header'],
    lookupCookie: LANG_COOKIE,
    caches: false,
  });
  await instance.use(detector).init({
    resources: { ko: { translation: loadLocale('ko') }, en: { translation: loadLocale('en') } },
    supportedLngs: [...LANGS],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: 'ko',
    interpolation: { escapeValue: false }, // EJS escapes on output
    returnNull: false,
  });
  return instance;
}

// A string's answers are fixed once the locales are loaded, so each language keeps the ones it gave (up to a bound):
// a board of 350 cards calls t() about 3,000 times, and i18next's lookup and interpolation took 17 % of the app's CPU
// in a profile of it. Calls whose options hold objects (a nested value, a function) are passed through.
const ANSWERS_KEPT = 5000;

function answerKey(key: unknown, options: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  if (options === undefined) return key;
  if (typeof options !== 'object' || options === null) return undefined;
  for (const value of Object.values(options))
    if (typeof value === 'object' || typeof value === 'function') return undefined;
  return `${key}\u0000${JSON.stringify(options)}`;
}

function keepingAnswers(t: TFunction): TFunction {
  const answers = new Map<string, string>();
  const translate = (key: unknown, options?: unknown): unknown => {
    const id = answerKey(key, options);
    const kept = id === undefined ? undefined : answers.get(id);
    if (kept !== undefined) return kept;
    const answer: unknown = (t as (k: unknown, o?: unknown) => unknown)(key, options);
    if (id !== undefined && typeof answer === 'string') {
      if (answers.size >= ANSWERS_KEPT) answers.clear();
      answers.set(id, answer);
    }
    return answer;
  };
  return translate as TFunction;
}

const translators = new WeakMap<I18n, Map<Lang, TFunction>>();

// The translation function of a language, made once per i18next instance.
export function translatorOf(instance: I18n, lang: Lang): TFunction {
  let byLang = translators.get(instance);
  if (!byLang) translators.set(instance, (byLang = new Map<Lang, TFunction>()));
  let t = byLang.get(lang);
  if (!t) byLang.set(lang, (t = keepingAnswers(instance.getFixedT(lang))));
  return t;
}

// The request's language (the lang cookie, then Accept-Language; Korean by default) and its translation function, as
// i18next-http-middleware's handle() gives them, without its clone of the i18next instance per request.
export function i18nMiddleware(instance: I18n): RequestHandler {
  const detector = instance.services.languageDetector as
    { detect(req: unknown, res: unknown): string | string[] | undefined } | undefined;
  return (req, res, next) => {
    const detected = detector?.detect(req, res);
    const lang = toLang(Array.isArray(detected) ? detected[0] : detected);
    req.language = lang;
    req.t = translatorOf(instance, lang);
    req.translatorIn = (other: Lang) => translatorOf(instance, other);
    res.locals.t = req.t;
    res.setHeader('Content-Language', lang);
    next();
  };
}

export function toLang(language: string | undefined): Lang {
  return language?.startsWith('en') ? 'en' : 'ko';
}
