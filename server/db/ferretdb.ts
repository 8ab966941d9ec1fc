import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { projectRoot } from '../lib/paths.js';
import type { RunningDatabase, ProviderLog } from './provider.types.js';

const BUILD_STAMP = 'v1.24.2+group-accumulators-fix-2';

export function ferretdbBinary(dataDir: string): string {
  return path.join(dataDir, 'tools', 'ferretdb');
}

function isBuilt(dataDir: string): boolean {
  const bin = ferretdbBinary(dataDir);
  const stamp = path.join(dataDir, 'tools', 'ferretdb.stamp');
  return existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === BUILD_STAMP;
}

// Builds FerretDB from its Go module source once (scripts/build-ferretdb.sh prints its progress).
export async function ensureFerretdbBuilt(dataDir: string, log: ProviderLog): Promise<string> {
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

function freePort(): Promise<number> {
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
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode} before answering`);
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

export async function startFerretdb(opts: { dataDir: string; storeDir: string; dbName: string; log: ProviderLog }): Promise<RunningDatabase> {
  const bin = await ensureFerretdbBuilt(opts.dataDir, opts.log);
  mkdirSync(opts.storeDir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--listen-addr=127.0.0.1:${port}`,
      '--handler=sqlite',
      `--sqlite-url=file:${opts.storeDir}/`,
      // Without --debug-addr=- every instance binds port 8088 and a second one fails.
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
      `--state-dir=${opts.storeDir}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) opts.log(`FerretDB exited unexpectedly (code ${code}, signal ${signal}): ${stderr.slice(-1000)}`);
  });
  let stopping = false;
  const uri = `mongodb://127.0.0.1:${port}/${opts.dbName}`;
  try {
    await waitForPing(uri, child, 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    kind: 'ferretdb',
    uri,
    description: `FerretDB v1.24.2 (SQLite) on 127.0.0.1:${port}, data in ${opts.storeDir}`,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
