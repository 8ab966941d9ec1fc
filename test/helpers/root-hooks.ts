import mongoose from 'mongoose';
import path from 'node:path';
import v8 from 'node:v8';
import { startDatabase } from '../../server/db/provider.js';
import { connectDb, disconnectDb } from '../../server/db/connection.js';
import type { RunningDatabase } from '../../server/db/provider.types.js';
import { withCommandMonitoring } from '../../server/db/db-timing.js';
import { projectRoot } from '../../server/lib/paths.js';
import '../../models/index.js';

let db: RunningDatabase | undefined;
let connectedUri: string | undefined;

// One throw-away database per run (in-memory mongod, FerretDB in a temporary folder, or a unique database at TEST_MONGODB_URI
// that is dropped afterwards); every test starts from empty collections.
// Under `mocha --parallel` each worker process runs many files, and the root hooks run around every file: the worker
// starts its database once, for its first file, and keeps it; it is killed and its folder removed when the worker
// exits (provider.ts, ferretdb.ts). A serial run stops it after the last file.
const inParallelWorker = path.basename(process.argv[1] ?? '') === 'worker.cjs';
let starting: Promise<void> | undefined;
let filesInThisWorker = 0;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(600_000);
    // Pure unit tests (test/unit) need no database: a run of only those starts none, so one unit file runs in a second.
    if (specFiles(this).every(isUnitFile)) return;
    starting ??= startTestDatabase();
    await starting;
    filesInThisWorker += 1;
    // A database at TEST_MONGODB_URI is dropped after each file of a worker (below): its indexes come back here.
    if (db?.kind === 'uri' && filesInThisWorker > 1) await mongoose.connection.syncIndexes();
  },
  async afterEach(this: Mocha.Context) {
    // A unit test touches no database (a run of only those has none), so there is nothing to empty after it: 347 of
    // them, at 20 ms a clearing, took 7 s of a parallel run.
    if (db && !isUnitFile(this.currentTest?.file)) await clearDatabase();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    // Under c8, a worker's coverage is written when it exits; mocha kills a worker that takes over a second to exit
    // (stopping its database, writing the coverage of every module, on a busy machine), and its coverage was lost (lines
    // fell from 74.8 % to 70.2 % in one CI run). Written after every file instead (each write holds the counts since the
    // last one; c8 adds them up).
    if (inParallelWorker && process.env.NODE_V8_COVERAGE) v8.takeCoverage();
    if (!db) return;
    // A process given the database in this file may have written after its last test: the next file starts empty.
    if (handedOut && db.kind !== 'uri') await clearDatabase();
    handedOut = false;
    if (db.kind === 'uri') await mongoose.connection.db?.dropDatabase();
    if (inParallelWorker) return;
    await disconnectDb();
    await db.stop();
  },
};

async function startTestDatabase(): Promise<void> {
  const base = process.env.TEST_MONGODB_URI;
  const uniqueDb = `tipstown_test_${process.pid}_${Date.now()}`;
  db = await startDatabase({
    mongodbUri: base ? base.replace(/\/([^/?]*)(\?|$)/, `/${uniqueDb}$2`) : undefined,
    dataDir: process.env.DATA_DIR ?? path.join(projectRoot, 'data'),
    dbName: uniqueDb,
    ephemeral: true,
    log: (m) => process.stderr.write(`[test db] ${m}\n`),
  });
  process.stderr.write(`[test db] ${db.kind}: ${db.description}\n`);
  // Command monitoring on: tests capture the commands a page sends (test/helpers/commands.ts).
  connectedUri = withCommandMonitoring(db.uri);
  await connectDb(connectedUri);
  watchWrites(mongoose.connection.getClient());
}

// Empties the collections written since the last clearing. The test connection monitors its commands, so every write
// it sends is seen (emptying all ~25 collections after each test was 15,000 of a run's 70,000 commands). Everything is
// emptied when that cannot be known: the connection was replaced (a test reconnects), or the database's address was
// given to another process in this file (currentDatabaseUri), whose writes this process never sees.
export async function clearDatabase(): Promise<void> {
  const conn = mongoose.connection;
  const client = conn.getClient();
  const everything = client !== watchedClient || handedOut;
  const names = everything
    ? (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)
    : [...written];
  written.clear();
  if (client !== watchedClient) watchWrites(client);
  await Promise.all(names.map((name) => conn.db!.collection(name).deleteMany({})));
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'create']);
const written = new Set<string>();
let watchedClient: ReturnType<typeof mongoose.connection.getClient> | undefined;
let handedOut = false;

function watchWrites(client: ReturnType<typeof mongoose.connection.getClient>): void {
  // A client without command monitoring reports nothing: left unwatched, so every clearing empties everything.
  if (!client.options.monitorCommands) return void (watchedClient = undefined);
  watchedClient = client;
  client.on('commandStarted', (e) => {
    const target: unknown = e.command[e.commandName];
    if (WRITE_COMMANDS.has(e.commandName) && typeof target === 'string') written.add(target);
  });
}

export function currentDatabaseKind(): RunningDatabase['kind'] | undefined {
  return db?.kind;
}

// Connects again to this run's database, command monitoring on, after a test disconnected (the next clearing empties
// everything once, as for any new connection).
export async function reconnectTestDatabase(): Promise<void> {
  await mongoose.connect(connectedUri!);
}

// The connection string of this run's database (for a child process of a test to use it too).
export function currentDatabaseUri(): string | undefined {
  handedOut = true;
  return connectedUri;
}

const isUnitFile = (file: string | undefined) => Boolean(file?.includes(`${path.sep}test${path.sep}unit${path.sep}`));

function specFiles(ctx: Mocha.Context): string[] {
  const root = ctx.test?.parent;
  const files: string[] = [];
  const walk = (suite: Mocha.Suite) => {
    if (suite.file) files.push(suite.file);
    suite.suites.forEach(walk);
  };
  if (root) walk(root);
  return files;
}
