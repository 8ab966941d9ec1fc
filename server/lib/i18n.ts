import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';
import type { RequestHandler } from 'express';
import { localesDir } from './paths.js';
import type { Lang } from './money.js';

export const LANGS: readonly Lang[] = ['ko', 'en'] as const;
export const LANG_COOKIE = 'lang';

function loadLocale(lang: Lang): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Record<string, unknown>;
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
  return handle(instance) as unknown as RequestHandler;
}

export function toLang(language: string | undefined): Lang {
  return language?.startsWith('en') ? 'en' : 'ko';
}
