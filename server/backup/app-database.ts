import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config.js';
import { startDatabase } from '../db/provider.js';

// The database name server/index.ts gives the embedded database.
const APP_DB_NAME = 'tipstown';

// A FerretDB process already serving this data directory (the app, running): two servers on one SQLite store would
// not see each other's writes. Best effort, Linux only (reads /proc); elsewhere the README's "stop the app first" stands.
function ferretdbServing(storeDir: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const flag = `--sqlite-url=file:${storeDir}/`;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(flag)) return Number(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

// Opens the app's database through the same provider chain as the app (MONGODB_URI, else the embedded database in
// DATA_DIR), runs `work` with it and stops it again. The embedded database must not be in use by a running app.
export async function withAppDatabase<T>(
  config: Config,
  work: (db: Db) => Promise<T>,
  log: (m: string) => void,
): Promise<T> {
  if (!config.mongodbUri) {
    const pid = ferretdbServing(path.join(config.dataDir, 'ferretdb'));
    if (pid)
      throw new Error(
        `the embedded database in ${config.dataDir} is in use (FerretDB, process ${pid}): stop the app first`,
      );
  }
  const problems: string[] = [];
  const running = await startDatabase({
    mongodbUri: config.mongodbUri,
    dataDir: config.dataDir,
    dbName: APP_DB_NAME,
    ephemeral: false,
    log: (m) => {
      if (m.startsWith('mongod could not start')) problems.push(m);
      log(m);
    },
  });
  const client = new MongoClient(running.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    // mongod keeps a lock on its data directory; when the app holds it, the chain would fall through to an empty FerretDB.
    if (running.kind === 'ferretdb' && problems.length)
      throw new Error(
        `the embedded mongod could not open ${config.dataDir}/mongod (is the app running? stop it first)`,
      );
    log(`database: ${running.description}`);
    await client.connect();
    return await work(client.db());
  } finally {
    await client.close().catch(() => undefined);
    await running.stop();
  }
}
