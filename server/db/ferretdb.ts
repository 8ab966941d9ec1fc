import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { projectRoot } from '../lib/paths.js';
import type { RunningDatabase, ProviderLog } from './provider.types.js';
import { defaultRestartPolicy, planRestart, type RestartPolicy } from './restart-policy.js';

const BUILD_STAMP =
  'v1.24.2+group-accumulators-fix-2+serialized-writes+id-index+update-close+filter-pushdown+no-tracking+needed-fields+nested+unwind+sort-3+prefix+scalar+index-order-2+or+prefix-text';

function ferretdbBinary(dataDir: string): string {
  return path.join(dataDir, 'tools', 'ferretdb');
}

function isBuilt(dataDir: string): boolean {
  const bin = ferretdbBinary(dataDir);
  const stamp = path.join(dataDir, 'tools', 'ferretdb.stamp');
  return existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === BUILD_STAMP;
}

// Builds FerretDB from its Go module source once (scripts/build-ferretdb.sh prints its progress).
async function ensureFerretdbBuilt(dataDir: string, log: ProviderLog): Promise<string> {
  if (isBuilt(dataDir)) return ferretdbBinary(dataDir);
  log('FerretDB is not built yet: building it from source now (first run only, takes a few minutes)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(projectRoot, 'scripts', 'build-ferretdb.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, FERRETDB_TOOLS_DIR: path.join(dataDir, 'tools') },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`FerretDB build failed (exit ${code})`))));
  });
  return ferretdbBinary(dataDir);
}

// A port no one listens on now (the OS picks it).
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(uri: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`FerretDB exited (code ${child.exitCode}, signal ${child.signalCode}) before answering`);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB did not answer ping within ${timeoutMs} ms: ${String(lastError)}`);
}

type Launched = { child: ChildProcess; stderr: () => string };
type Store = { dir: string; throwAway: boolean };

// Spawns FerretDB on the given port and waits until it answers; on failure the child is killed and the error carries its stderr.
async function launch(bin: string, port: number, store: Store, uri: string): Promise<Launched> {
  const { dir: storeDir, throwAway } = store;
  const child = spawn(
    bin,
    [
      `--listen-addr=127.0.0.1:${port}`,
      '--handler=sqlite',
      // A throw-away store (tests) is not synced to disk on each commit: nothing in it must outlive a power cut, and the
      // fsync of every write was waiting time in every test that writes.
      `--sqlite-url=file:${storeDir}/${throwAway ? '?_pragma=synchronous(off)' : ''}`,
      // Without --debug-addr=- every instance binds port 8088 and a second one fails.
      '--debug-addr=-',
      '--telemetry=disable',
      // Filters on nested paths ("participants.investor") reach the pushdown too (scripts/build-ferretdb.sh).
      '--test-enable-nested-pushdown',
      '--log-level=warn',
      `--state-dir=${storeDir}`,
    ],
    // FerretDB spends about a quarter of a query's CPU collecting garbage from decoding documents; a larger heap
    // between collections (GOGC 400, a few tens of MB more here) gives ~10 % more queries a second.
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GOGC: process.env.GOGC ?? '400' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => undefined); // only raced below; a later 'error' must not become an unhandled rejection
  try {
    await Promise.race([waitForPing(uri, child, 20_000), spawnFailed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return { child, stderr: () => stderr };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Starts FerretDB as a supervised child: when it dies it is restarted on the same port and data directory (so the
// app's connection string stays valid and the driver reconnects by itself), with the delays of the restart policy;
// when the policy gives up, the onFatal listeners are told.
export async function startFerretdb(opts: {
  dataDir: string;
  storeDir: string;
  throwAway?: boolean;
  dbName: string;
  log: ProviderLog;
  restartPolicy?: RestartPolicy;
}): Promise<RunningDatabase> {
  const store: Store = { dir: opts.storeDir, throwAway: opts.throwAway ?? false };
  const policy = opts.restartPolicy ?? defaultRestartPolicy;
  const bin = await ensureFerretdbBuilt(opts.dataDir, opts.log);
  mkdirSync(opts.storeDir, { recursive: true });
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/${opts.dbName}`;

  let current = await launch(bin, port, store, uri);
  let startedAt = Date.now();
  let failuresInARow = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  const fatalListeners: Array<(err: Error) => void> = [];
  // A crashed app must not leave its database running on the data directory the next start will use.
  const killOnExit = () => current.child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const supervise = (launched: Launched) => {
    opts.log(`FerretDB running (pid ${launched.child.pid}) on 127.0.0.1:${port}`);
    launched.child.once('exit', (code, signal) => {
      if (stopping) return;
      opts.log(
        `FerretDB exited unexpectedly (code ${code}, signal ${signal}): ${launched.stderr().slice(-1000)}`,
        'error',
      );
      scheduleRestart(Date.now() - startedAt);
    });
  };

  const scheduleRestart = (uptimeMs: number) => {
    const decision = planRestart(policy, failuresInARow, uptimeMs);
    if (decision.action === 'give-up') {
      const err = new Error(`FerretDB could not be restarted after ${decision.attempts} attempts`);
      opts.log(err.message, 'error');
      for (const listener of fatalListeners) listener(err);
      return;
    }
    failuresInARow = decision.attempt;
    opts.log(
      `restarting FerretDB in ${decision.delayMs} ms (attempt ${decision.attempt} of ${policy.maxAttempts})`,
      'warn',
    );
    restartTimer = setTimeout(() => {
      restarting = launch(bin, port, store, uri).then(
        (launched) => {
          current = launched;
          startedAt = Date.now();
          if (stopping) return void stopChild(launched.child);
          supervise(launched);
          opts.log(`FerretDB restarted (attempt ${decision.attempt})`, 'warn');
        },
        (err: Error) => {
          opts.log(`FerretDB restart attempt ${decision.attempt} failed: ${err.message.slice(0, 1000)}`, 'error');
          if (!stopping) scheduleRestart(0);
        },
      );
    }, decision.delayMs);
  };

  supervise(current);
  return {
    kind: 'ferretdb',
    uri,
    description: `FerretDB v1.24.2 (SQLite) on 127.0.0.1:${port}, data in ${opts.storeDir}`,
    onFatal: (listener) => void fatalListeners.push(listener),
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await restarting;
      process.removeListener('exit', killOnExit);
      await stopChild(current.child);
    },
  };
}
