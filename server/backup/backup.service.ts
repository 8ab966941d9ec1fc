import { COMPUTED_COLLECTION } from '../../models/computed.model.js';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Db, Document } from 'mongodb';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { SESSIONS_COLLECTION } from '../sessions/index.js';
import { AppError, Conflict } from '../lib/app-error.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  EXACT_READ,
  archiveDamaged,
  encodeLine,
  inChunks,
  readArchive,
  type ArchiveHeader,
  type IndexSpec,
} from './backup-archive.js';

// Not backed up: ephemeral state (sessions: everyone signs in again; login rate-limit counters, whose collection
// name server/auth/login-limiter.ts keeps to itself), and kept figures derived from the rest (models/computed.model.ts), which a restore
// marks for a recount and a missing figure gets on its first read.
export const EXCLUDED_COLLECTIONS: readonly string[] = [
  'login_limits',
  'api_limits',
  SESSIONS_COLLECTION,
  COMPUTED_COLLECTION,
];
const IMPORT_BATCHES = ImportBatchModel.collection.collectionName;
const INSERT_CHUNK = 500;

export type BackupResult = {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  documents: number;
  ms: number;
};
export type RestoreResult = { counts: Record<string, number>; documents: number; ms: number };

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

// The collections a backup holds, by name: every ordinary collection but system ones and the ephemeral state.
async function dataCollections(db: Db): Promise<string[]> {
  const all = await db.listCollections({}, { nameOnly: false }).toArray();
  return all
    .filter(
      (c) =>
        (c.type ?? 'collection') === 'collection' &&
        !c.name.startsWith('system.') &&
        !EXCLUDED_COLLECTIONS.includes(c.name),
    )
    .map((c) => c.name)
    .sort();
}

async function indexesOf(db: Db, name: string): Promise<IndexSpec[]> {
  const indexes = (await db.collection(name).listIndexes().toArray()) as IndexSpec[];
  return indexes.filter((i) => i.name !== '_id_').map(({ v: _v, ns: _ns, ...spec }) => spec as IndexSpec);
}

// There are no snapshots (FerretDB has none; no transactions either), so a backup is consistent when nothing writes
// meanwhile: the embedded database is opened by the backup itself, with the app stopped. What can be checked is the one
// multi-record write the app makes, an import: none may be applying or undoing when the backup starts (one cut off by a
// crash is undone by the app once it runs again), nor have moved on while it ran.
async function refuseDuringImport(db: Db, since?: Date): Promise<void> {
  const batches = db.collection(IMPORT_BATCHES);
  if (!since && (await batches.countDocuments({ status: { $in: ['applying', 'undoing'] } }))) {
    throw Conflict(
      'a CSV import is being applied or undone (or was cut off by a crash: starting the app undoes it); run the backup again when it has finished',
    );
  }
  if (since && (await batches.countDocuments({ status: { $ne: 'previewed' }, updatedAt: { $gte: since } }))) {
    throw Conflict(
      'a CSV import was applied or undone while the backup ran, so the archive may hold only part of it; run the backup again',
    );
  }
}

// Streams every collection through gzip into `file` (written as file.partial, renamed when complete, so an interrupted
// backup never leaves a file that looks whole). The manifest counts what was written.
export async function backupDatabase(db: Db, file: string): Promise<BackupResult> {
  const started = Date.now();
  const startedAt = new Date(started);
  await refuseDuringImport(db);
  const names = await dataCollections(db);
  const counts: Record<string, number> = {};
  async function* lines(): AsyncGenerator<string> {
    const header: ArchiveHeader = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      createdAt: startedAt,
      database: db.databaseName,
      excluded: [...EXCLUDED_COLLECTIONS],
    };
    yield encodeLine({ kind: 'header', header });
    for (const name of names) {
      yield encodeLine({ kind: 'collection', name, indexes: await indexesOf(db, name) });
      let n = 0;
      for await (const doc of db.collection(name).find({}, EXACT_READ)) {
        yield encodeLine({ kind: 'doc', doc });
        n += 1;
      }
      counts[name] = n;
    }
    await refuseDuringImport(db, startedAt);
    yield encodeLine({ kind: 'manifest', counts });
  }
  const partial = `${file}.partial`;
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // pipeline pulls lines only as fast as gzip and the disk take them (backpressure), one cursor batch at a time.
    await pipeline(Readable.from(inChunks(lines())), createGzip(), createWriteStream(partial));
    await rename(partial, file);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  }
  return { file, bytes: (await stat(file)).size, counts, documents: total(counts), ms: Date.now() - started };
}

type Plan = { header: ArchiveHeader; collections: { name: string; count: number }[]; counts: Record<string, number> };

// Reads the whole archive once and checks its shape and its manifest, before anything is written.
async function verifyArchive(file: string): Promise<Plan> {
  let header: ArchiveHeader | undefined;
  let manifest: Record<string, number> | undefined;
  const collections: { name: string; count: number }[] = [];
  for await (const line of readArchive(file)) {
    if (!header) {
      if (line.kind !== 'header' || line.header.format !== ARCHIVE_FORMAT) throw archiveDamaged(file, 'no header line');
      if (line.header.version !== ARCHIVE_VERSION)
        throw archiveDamaged(file, `format version ${line.header.version}; this app reads version ${ARCHIVE_VERSION}`);
      header = line.header;
      continue;
    }
    if (manifest) throw archiveDamaged(file, 'lines after the manifest');
    if (line.kind === 'collection') {
      if (collections.some((c) => c.name === line.name)) throw archiveDamaged(file, `collection ${line.name} twice`);
      collections.push({ name: line.name, count: 0 });
    } else if (line.kind === 'doc') {
      const current = collections[collections.length - 1];
      if (!current) throw archiveDamaged(file, 'a document before any collection');
      current.count += 1;
    } else if (line.kind === 'manifest') {
      manifest = line.counts;
    } else {
      throw archiveDamaged(file, 'a second header');
    }
  }
  if (!header) throw archiveDamaged(file, 'empty file');
  if (!manifest) throw archiveDamaged(file, 'no manifest: the archive ends early');
  const read = Object.fromEntries(collections.map((c) => [c.name, c.count]));
  const names = new Set([...Object.keys(read), ...Object.keys(manifest)]);
  const wrong = [...names]
    .filter((n) => read[n] !== manifest[n])
    .map((n) => `${n}: ${read[n] ?? 0} read, ${manifest[n] ?? 0} in the manifest`);
  if (wrong.length) throw archiveDamaged(file, `counts differ from the manifest (${wrong.join('; ')})`);
  return { header, collections, counts: manifest };
}

// Collections holding documents, with their counts (the ephemeral ones don't count).
async function occupiedCollections(db: Db): Promise<{ name: string; count: number }[]> {
  const names = await dataCollections(db);
  const counts = await Promise.all(
    names.map(async (name) => ({ name, count: await db.collection(name).countDocuments({}, { limit: 1 }) })),
  );
  return counts.filter((c) => c.count > 0);
}

// Loads an archive into an empty database (with `force`: empties its collections first). The archive is read and checked
// whole before anything is written; if loading fails midway, what it loaded is removed again.
export async function restoreDatabase(db: Db, file: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const started = Date.now();
  const occupied = await occupiedCollections(db);
  if (occupied.length && !opts.force) {
    throw Conflict(
      `the database is not empty (${occupied.map((c) => c.name).join(', ')}); restore loads into an empty database — use --force to replace its contents`,
    );
  }
  const plan = await verifyArchive(file);
  for (const c of occupied) await db.collection(c.name).deleteMany({});
  const existed = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const touched: string[] = [];
  try {
    await loadArchive(db, file, touched);
    const wrong: string[] = [];
    for (const c of plan.collections) {
      const n = await db.collection(c.name).countDocuments({});
      if (n !== c.count) wrong.push(`${c.name}: ${n} loaded, ${c.count} in the archive`);
    }
    if (wrong.length) throw new Error(`counts differ after loading (${wrong.join('; ')})`);
    // Kept figures (models/computed.model.ts) go: each is recounted from the restored data on its next read.
    await db.collection(COMPUTED_COLLECTION).deleteMany({});
  } catch (err) {
    const undo = await removeLoaded(db, touched, existed);
    const reason = err instanceof Error ? err.message : String(err);
    const cleaned = undo.length
      ? `removing what was loaded failed too: ${undo.join('; ')}`
      : 'what it had loaded was removed again';
    const replaced = occupied.length
      ? ' (the documents --force deleted first are not back: restore a good archive)'
      : '';
    throw new AppError(500, 'restore_failed', `restore failed: ${reason}; ${cleaned}${replaced}`);
  }
  return { counts: plan.counts, documents: total(plan.counts), ms: Date.now() - started };
}

// Second pass: documents in chunks of INSERT_CHUNK; each collection's indexes once its documents are in.
async function loadArchive(db: Db, file: string, touched: string[]): Promise<void> {
  let current: { name: string; indexes: IndexSpec[] } | undefined;
  let chunk: Document[] = [];
  const flush = async () => {
    if (current && chunk.length) await db.collection(current.name).insertMany(chunk, { ordered: true });
    chunk = [];
  };
  const finish = async () => {
    await flush();
    if (current) await createMissingIndexes(db, current.name, current.indexes);
  };
  for await (const line of readArchive(file)) {
    if (line.kind === 'collection') {
      await finish();
      touched.push(line.name);
      if (!(await db.listCollections({ name: line.name }, { nameOnly: true }).hasNext()))
        await db.createCollection(line.name);
      current = { name: line.name, indexes: line.indexes };
    } else if (line.kind === 'doc') {
      chunk.push(line.doc);
      if (chunk.length >= INSERT_CHUNK) await flush();
    }
  }
  await finish();
}

// One index per call, and none that is there already (the collection existed, its app created it): FerretDB v1.24.2
// drops the connection when one createIndexes call names several indexes that all exist.
async function createMissingIndexes(db: Db, name: string, indexes: IndexSpec[]): Promise<void> {
  const existing = (await db.collection(name).listIndexes().toArray()) as IndexSpec[];
  const present = new Map(existing.map((i) => [i.name, JSON.stringify(i.key)]));
  for (const { key, ...options } of indexes) {
    if (present.get(options.name) === JSON.stringify(key)) continue;
    await db.collection(name).createIndexes([{ key, ...options }]);
  }
}

// The database as it was: collections the restore created are dropped, the others emptied (they were empty before).
async function removeLoaded(db: Db, touched: string[], existed: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const name of touched) {
    try {
      if (existed.has(name)) await db.collection(name).deleteMany({});
      else await db.collection(name).drop();
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}
