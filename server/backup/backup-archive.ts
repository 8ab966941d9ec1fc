import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BSON, type Document } from 'mongodb';
import { AppError } from '../lib/app-error.js';

// The archive: gzip of newline-delimited canonical EJSON (relaxed: false, so ObjectId, Date, Int32, Double and Long come
// back as the same BSON types). Line 1 is the header, then per collection one line naming it with its indexes followed
// by one line per document, and last a manifest with the number of documents written per collection:
//   {"format":"tipstown-backup","version":1,"createdAt":{"$date":…},"database":"tipstown","excluded":["login_limits","sessions"]}
//   {"collection":"firms","indexes":[{"key":{"brn":{"$numberInt":"1"}},"name":"brn_1","unique":true,"sparse":true}]}
//   {"doc":{"_id":{"$oid":"…"},…}}
//   {"manifest":{"counts":{"firms":{"$numberInt":"3012"},…},"documents":{"$numberInt":"3561"}}}
// Documents are wrapped in {"doc": …} so that no document can be mistaken for a header line, whatever its fields.

export const ARCHIVE_FORMAT = 'tipstown-backup';
export const ARCHIVE_VERSION = 1;

export type IndexSpec = Document & { key: Document; name: string };
export type ArchiveHeader = { format: string; version: number; createdAt: Date; database: string; excluded: string[] };
export type ArchiveLine =
  | { kind: 'header'; header: ArchiveHeader }
  | { kind: 'collection'; name: string; indexes: IndexSpec[] }
  | { kind: 'doc'; doc: Document }
  | { kind: 'manifest'; counts: Record<string, number> };

const { EJSON } = BSON;
const EXACT = { relaxed: false } as const;

// Reading options that keep every value's BSON type (a double 5.0 stays a double, not an int32 5).
export const EXACT_READ = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

export const archiveDamaged = (file: string, reason: string) =>
  new AppError(422, 'archive_damaged', `${file} is not a complete TIPS Town backup (${reason}); nothing was restored`);

export function encodeLine(line: ArchiveLine): string {
  switch (line.kind) {
    case 'header':
      return `${EJSON.stringify(line.header, EXACT)}\n`;
    case 'collection':
      return `${EJSON.stringify({ collection: line.name, indexes: line.indexes }, EXACT)}\n`;
    case 'doc':
      return `{"doc":${EJSON.stringify(line.doc, EXACT)}}\n`;
    case 'manifest':
      return `${EJSON.stringify({ manifest: { counts: line.counts, documents: Object.values(line.counts).reduce((a, b) => a + b, 0) } }, EXACT)}\n`;
  }
}

// One line of text back into its meaning; the caller checks the order of lines.
function decodeLine(text: string): ArchiveLine | undefined {
  let value: unknown;
  try {
    value = EJSON.parse(text, EXACT);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if ('doc' in v && v.doc && typeof v.doc === 'object') return { kind: 'doc', doc: v.doc };
  if (typeof v.collection === 'string' && Array.isArray(v.indexes))
    return { kind: 'collection', name: v.collection, indexes: v.indexes as IndexSpec[] };
  if (v.manifest && typeof v.manifest === 'object') {
    const counts = (v.manifest as { counts?: unknown }).counts;
    if (!counts || typeof counts !== 'object') return undefined;
    return { kind: 'manifest', counts: Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, Number(n)])) };
  }
  if (typeof v.format === 'string') {
    return {
      kind: 'header',
      header: {
        format: v.format,
        version: Number(v.version),
        createdAt: v.createdAt as Date,
        database: typeof v.database === 'string' ? v.database : '',
        excluded: (v.excluded as string[]) ?? [],
      },
    };
  }
  return undefined;
}

// The archive's lines in order, decoded; a damaged or truncated file (gzip checks its length and CRC at the end) throws.
export async function* readArchive(file: string): AsyncGenerator<ArchiveLine> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  gunzip.setEncoding('utf8');
  let rest = '';
  let lineNo = 0;
  const decode = (text: string) => {
    lineNo += 1;
    const line = decodeLine(text);
    if (!line) throw archiveDamaged(file, `line ${lineNo} is not an archive line`);
    return line;
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      rest += chunk;
      let start = 0;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
        yield decode(rest.slice(start, nl));
        start = nl + 1;
      }
      rest = rest.slice(start);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')
      throw new AppError(404, 'archive_unreadable', `cannot read ${file}: ${e.message}`);
    throw archiveDamaged(file, `gzip: ${e.message}`);
  } finally {
    input.destroy();
  }
  if (rest) yield decode(rest);
}

// Lines into ~64 KB chunks: one gzip write per chunk rather than per document.
export async function* inChunks(lines: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let buf = '';
  for await (const line of lines) {
    buf += line;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
