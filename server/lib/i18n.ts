import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';
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

export function i18nMiddleware(instance: I18n): RequestHandler {
  return handle(instance);
}

export function toLang(language: string | undefined): Lang {
  return language?.startsWith('en') ? 'en' : 'ko';
}
