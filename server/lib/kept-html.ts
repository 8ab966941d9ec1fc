import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import ejs from 'ejs';
import { computedKey, readComputed, type ComputedSource } from './computed.service.js';
import { localesDir, viewsDir } from './paths.js';

// The computed pattern applied to a part of a page: its HTML, kept until one of its sources is written. For the parts
// that draw many records with their forms (the board's 72 cards): drawing them took a third of the page's time in the
// app, on every request, for HTML that changes only when a match, a name or an account does.
//
// What a kept part may show: only what its sources, its key and the page language determine. The CSRF token, which is
// the visitor's own, is drawn as a slot and filled in per request. The templates and the strings are part of every
// key (a hash of views/ and the locales, taken at start-up), so a deploy that changes either never serves HTML an
// earlier version drew.

const CSRF_SLOT = 'kept-csrf-slot-5d0f3c9a';

function hashOfFiles(dir: string, hash = createHash('sha256')): ReturnType<typeof createHash> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashOfFiles(file, hash);
    else hash.update(entry.name).update(readFileSync(file));
  }
  return hash;
}

export const TEMPLATES_VERSION = hashOfFiles(localesDir, hashOfFiles(viewsDir)).digest('hex').slice(0, 16);

// A view drawn to a string with the page's locals (the language, its formatters) and the given ones.
function renderToString(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals }, (err: Error | null, html?: string) =>
      err ? reject(err) : resolve(html ?? ''),
    );
  });
}

// The part `view` drawn with the locals `locals()` gives, kept per key and page language until one of `sources` is
// written. `key` must name everything else the part depends on (its filters, the day, the page's address).
export async function keptHtml(
  res: Response,
  sources: readonly ComputedSource[],
  key: unknown,
  view: string,
  locals: () => Promise<Record<string, unknown>>,
): Promise<string> {
  const lang = (res.locals as { lang?: string }).lang;
  const kept = await readComputed(
    sources,
    computedKey(`html:${view}:${TEMPLATES_VERSION}`, { key, lang }),
    async () => ({ html: await renderToString(res, view, { ...(await locals()), csrfToken: CSRF_SLOT }) }),
  );
  const token = ejs.escapeXML(String((res.locals as { csrfToken?: string }).csrfToken ?? ''));
  return kept.html.split(CSRF_SLOT).join(token);
}
