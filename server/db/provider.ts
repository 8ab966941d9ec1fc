import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { startFerretdb } from './ferretdb.js';
import { findMongod, startMemoryServer } from './memory-server.js';
import type { ProviderLog, RunningDatabase } from './provider.types.js';

export type ProviderOptions = {
  mongodbUri?: string;
  dataDir: string;
  dbName: string;
  // A throw-away database (tests): in-memory mongod or FerretDB in a fresh temporary folder.
  ephemeral: boolean;
  log: ProviderLog;
};

export type ProviderStarters = {
  findMongod: typeof findMongod;
  startMemoryServer: typeof startMemoryServer;
  startFerretdb: typeof startFerretdb;
};

const defaultStarters: ProviderStarters = { findMongod, startMemoryServer, startFerretdb };

export class NoDatabaseError extends Error {
  constructor(details: string[]) {
    super(
      [
        'No database available. TIPS Town CRM needs one of:',
        '  1. MONGODB_URI pointing at a MongoDB server (replica set or Atlas in production);',
        '  2. a mongod for the embedded database (downloaded by mongodb-memory-server, or set MONGOMS_SYSTEM_BINARY);',
        '  3. FerretDB built from source, which needs Go on the PATH (npm run build:ferretdb).',
        ...details.map((d) => `  - ${d}`),
      ].join('\n'),
    );
    this.name = 'NoDatabaseError';
  }
}

// The provider chain: MONGODB_URI, else an embedded mongod, else FerretDB, else one clear error.
export async function startDatabase(
  opts: ProviderOptions,
  starters: ProviderStarters = defaultStarters,
): Promise<RunningDatabase> {
  if (opts.mongodbUri) {
    return { kind: 'uri', uri: opts.mongodbUri, description: 'MongoDB at MONGODB_URI', stop: () => Promise.resolve() };
  }
  const tempDir = opts.ephemeral ? mkdtempSync(path.join(os.tmpdir(), 'tipstown-db-')) : undefined;
  try {
    const running = await startEmbedded(opts, starters, tempDir);
    return tempDir ? removingFolderOnStop(running, tempDir) : running;
  } catch (err) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}

async function startEmbedded(
  opts: ProviderOptions,
  starters: ProviderStarters,
  tempDir: string | undefined,
): Promise<RunningDatabase> {
  const problems: string[] = [];

  const mongod = await starters.findMongod(opts.dataDir, opts.log);
  if (mongod) {
    try {
      return await starters.startMemoryServer({
        binaryPath: mongod,
        storeDir: opts.ephemeral ? undefined : path.join(opts.dataDir, 'mongod'),
        dbName: opts.dbName,
      });
    } catch (err) {
      const problem = `mongod could not start: ${(err as Error).message}`;
      problems.push(problem);
      opts.log(problem);
    }
  } else {
    problems.push('no mongod could be downloaded or found');
  }

  try {
    return await starters.startFerretdb({
      dataDir: opts.dataDir,
      storeDir: tempDir ?? path.join(opts.dataDir, 'ferretdb'),
      throwAway: Boolean(tempDir),
      dbName: opts.dbName,
      log: opts.log,
    });
  } catch (err) {
    problems.push(`FerretDB could not start: ${(err as Error).message}`);
  }
  throw new NoDatabaseError(problems);
}

// A throw-away database's folder goes with it: on stop, and when the process exits without stopping it (a test
// worker is ended with process.exit; its FerretDB child is killed on exit too, see ferretdb.ts).
function removingFolderOnStop(running: RunningDatabase, folder: string): RunningDatabase {
  const remove = () => rmSync(folder, { recursive: true, force: true });
  process.once('exit', remove);
  return {
    ...running,
    stop: async () => {
      await running.stop();
      process.removeListener('exit', remove);
      remove();
    },
  };
}
