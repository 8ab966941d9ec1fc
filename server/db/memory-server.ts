import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MongoBinary, MongoMemoryServer } from 'mongodb-memory-server';
import type { ProviderLog, RunningDatabase } from './provider.types.js';

const VERDICT_TTL_MS = 24 * 60 * 60 * 1000;
const DOWNLOAD_TIMEOUT_MS = 60_000;

function verdictFile(dataDir: string): string {
  return path.join(dataDir, 'mongod-unavailable.json');
}

function recentlyUnavailable(dataDir: string): string | undefined {
  const file = verdictFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { at: number; reason: string };
    return Date.now() - v.at < VERDICT_TTL_MS ? v.reason : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]);
}

// Finds a mongod quickly or says why not; "no download possible" is remembered for a day so later starts don't wait again.
export async function findMongod(dataDir: string, log: ProviderLog): Promise<string | undefined> {
  if (process.env.MONGOMS_SYSTEM_BINARY) return process.env.MONGOMS_SYSTEM_BINARY;
  const cached = recentlyUnavailable(dataDir);
  if (cached) {
    log(`no mongod available (remembered: ${cached}); delete ${verdictFile(dataDir)} to try again`);
    return undefined;
  }
  try {
    return await withTimeout(MongoBinary.getPath(), DOWNLOAD_TIMEOUT_MS, 'mongod download');
  } catch (err) {
    const reason = (err as Error).message.split('\n').slice(0, 2).join(' ');
    log(`no mongod available: ${reason}`);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(verdictFile(dataDir), JSON.stringify({ at: Date.now(), reason }));
    return undefined;
  }
}

// Not supervised (no onFatal): if this mongod dies, pages answer 503 and /healthz 503 until the app is restarted,
// which a process supervisor does on a failing health check. FerretDB (ferretdb.ts) is restarted by the app itself.
export async function startMemoryServer(opts: {
  binaryPath: string;
  storeDir?: string;
  dbName: string;
}): Promise<RunningDatabase> {
  if (opts.storeDir) mkdirSync(opts.storeDir, { recursive: true });
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: opts.binaryPath },
    instance: opts.storeDir ? { dbPath: opts.storeDir, storageEngine: 'wiredTiger' } : {},
  });
  return {
    kind: 'memory-server',
    uri: server.getUri(opts.dbName),
    description: opts.storeDir
      ? `mongod (mongodb-memory-server), data in ${opts.storeDir}`
      : 'mongod (mongodb-memory-server), in memory',
    stop: async () => {
      await server.stop({ doCleanup: !opts.storeDir, force: false });
    },
  };
}
