import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Response } from 'express';
import ejs from 'ejs';
import { BSON } from 'mongodb';
import { z } from 'zod';
import { APP_VERSION } from './app-version.js';
import { computedKey, readComputed, type ComputedSource } from './computed.service.js';

// The computed pattern applied to a part of a page: its HTML, kept until one of its sources is written. For the parts
// that draw many records with their forms (the board's 72 cards): drawing them took a third of the page's time in the
// app, on every request, for HTML that changes only when a match, a name or an account does.
//
// What a kept part may show: only what its sources, its key and the page language determine. What is the visitor's or
// the request's own (the CSRF token, today's date as a form's default, a new record's id) is drawn as a slot and filled
// in per request. The app's version (a hash of its templates, strings and code: app-version.ts) is part of every key,
// so a deploy never serves HTML an earlier version drew.

// A slot is drawn as `kept-slot-5d0f3c9a:<local's name>;`.
const SLOT_MARK = 'kept-slot-5d0f3c9a:';
// Where sendPage puts a kept part in the page it draws (`<!--kept-part-5d0f3c9a:0-->`: the first part).
const PART_MARK = 'kept-part-5d0f3c9a';
const PART_MARKS = new RegExp(`<!--${PART_MARK}:(\\d+)-->`);

// A view drawn to a string with the page's locals (the language, its formatters) and the given ones.
function renderToString(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals }, (err: Error | null, html?: string) =>
      err ? reject(err) : resolve(html ?? ''),
    );
  });
}

// A kept part as the bytes a response sends (UTF-8): a page that sends it through sendPage never turns its 100 KB into a
// string and back; drawn into a page by res.render (an error page), it is a string like any other.
export class KeptHtml {
  constructor(
    readonly bytes: Buffer,
    readonly title?: string,
  ) {}

  toString(): string {
    return this.bytes.toString('utf8');
  }
}

const SLOT_BYTES = Buffer.from(SLOT_MARK);
const SLOT_END = ';'.charCodeAt(0);

function fillSlots(bytes: Buffer, values: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(SLOT_BYTES); at !== -1; at = bytes.indexOf(SLOT_BYTES, from)) {
    const end = bytes.indexOf(SLOT_END, at + SLOT_BYTES.length);
    // (Text that merely looks like a slot, typed into a note say, is left as it is; at most it shows the visitor what
    // their own page already holds.)
    const name = end === -1 ? '' : bytes.toString('utf8', at + SLOT_BYTES.length, end);
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      parts.push(bytes.subarray(from, at + SLOT_BYTES.length));
      from = at + SLOT_BYTES.length;
      continue;
    }
    parts.push(bytes.subarray(from, at), Buffer.from(ejs.escapeXML(value)));
    from = end + 1;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

// What a kept part is stored as, checked on each read: a part an earlier version kept in another shape under the same
// key is drawn again, not misread. A part may keep its page's title (a record's name) with it, so a page that is one
// kept part reads nothing else.
const KEPT_SHAPE = z.object({ deflated: z.instanceof(BSON.Binary), title: z.string().optional() });

// The part `view` drawn with the locals `locals()` gives, kept per key and page language until one of `sources` is
// written. `key` must name everything else the part depends on (its filters, the day, the page's address). `slots` are
// locals drawn as slots and filled in per request, with the CSRF token; a `title` among the locals is kept with the part.
// Kept compressed: the board's columns are 100 KB of HTML and 4 KB deflated, and the embedded database's work on a
// read grows with the document (it took CPU the app needed).
export async function keptHtml(
  res: Response,
  sources: readonly ComputedSource[],
  key: unknown,
  view: string,
  locals: () => Promise<Record<string, unknown>>,
  slots: Record<string, string> = {},
): Promise<KeptHtml> {
  const values = { ...slots, csrfToken: String(res.locals.csrfToken ?? '') };
  const kept = await readComputed(
    sources,
    computedKey(`html:${view}:${APP_VERSION}`, { key, lang: res.locals.lang }),
    async () => {
      const drawn = await locals();
      const marks = Object.fromEntries(Object.keys(values).map((name) => [name, `${SLOT_MARK}${name};`]));
      const html = await renderToString(res, view, { ...drawn, ...marks });
      const deflated = new BSON.Binary(deflateRawSync(Buffer.from(html)));
      return typeof drawn.title === 'string' ? { deflated, title: drawn.title } : { deflated };
    },
    KEPT_SHAPE,
  );
  return new KeptHtml(fillSlots(inflateRawSync(kept.deflated.buffer), values), kept.title);
}

// res.render for a page holding kept parts (locals that are KeptHtml): the page is drawn with a mark where each part
// goes and sent as bytes, the parts' bytes between the page's own.
export async function sendPage(res: Response, view: string, locals: Record<string, unknown>): Promise<void> {
  const parts: Buffer[] = [];
  const marked = Object.fromEntries(
    Object.entries(locals).map(([name, value]) => {
      if (!(value instanceof KeptHtml)) return [name, value];
      parts.push(value.bytes);
      return [name, `<!--${PART_MARK}:${parts.length - 1}-->`];
    }),
  );
  const html = await renderToString(res, view, marked);
  const pieces = html.split(PART_MARKS);
  const out = pieces.map((piece, i) => (i % 2 ? parts[Number(piece)]! : Buffer.from(piece)));
  res.type('html').send(Buffer.concat(out));
}
