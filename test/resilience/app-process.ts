import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/lib/paths.js';
import { freePort } from '../../server/db/ferretdb.js';

// The real app as a child process (`node --import tsx server/index.ts`), on a free port, with a fresh DATA_DIR that
// borrows the already built FerretDB (data/tools) so nothing is rebuilt.
export type AppProcess = {
  proc: ChildProcess;
  baseUrl: string;
  port: number;
  // The provider the app chose, and for FerretDB its port and the pid of the child it runs now.
  provider: string;
  ferretdbPort?: number;
  ferretdbPid: () => number | undefined;
  output: () => string;
  waitForOutput: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: () => Promise<void>;
};

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // none, or no pgrep
  }
}

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tipstown-resilience-'));
  const data = path.join(projectRoot, 'data');
  if (existsSync(path.join(data, 'tools'))) symlinkSync(path.join(data, 'tools'), path.join(dir, 'tools'));
  // The remembered "no mongod to download" verdict spares the child a download attempt.
  if (existsSync(path.join(data, 'mongod-unavailable.json')))
    copyFileSync(path.join(data, 'mongod-unavailable.json'), path.join(dir, 'mongod-unavailable.json'));
  return dir;
}

export async function startAppProcess(env: Record<string, string>, dataDir = freshDataDir()): Promise<AppProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...env,
  };
  delete childEnv.MONGODB_URI; // the embedded database, whatever the test run itself uses
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server', 'index.ts')], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of waiters) w();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = output.match(pattern);
        if (m) return done(() => resolve(m));
        if (proc.exitCode !== null || proc.signalCode !== null)
          return done(() => reject(new Error(`app exited before ${pattern}:\n${output.slice(-3000)}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.slice(-3000)}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  // SIGTERM first, so the app stops its own FerretDB; whatever child is left after a SIGKILL is killed here.
  const kill = async () => {
    const children = childPids(proc.pid!);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    for (const pid of [...children, ferretdbPid()]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const ferretdbPid = () => {
    const last = [...output.matchAll(/FerretDB running \(pid (\d+)\)/g)].pop();
    return last ? Number(last[1]) : undefined;
  };

  try {
    await waitForOutput(/listening on http/, 180_000);
  } catch (err) {
    await kill();
    throw err;
  }
  const provider = /"provider":"([a-z-]+)"/.exec(output)?.[1] ?? 'unknown';
  const ferretdbPort = Number(/FerretDB v[\d.]+ \(SQLite\) on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined;
  return {
    proc,
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    provider,
    ferretdbPort,
    ferretdbPid,
    output: () => output,
    waitForOutput,
    exited,
    kill,
  };
}

// A minimal cookie-keeping browser for the spawned app (fetch, no redirects followed).
export function browser(baseUrl: string) {
  const cookies = new Map<string, string>();
  const request = async (pathname: string, init: RequestInit = {}) => {
    const started = Date.now();
    const res = await fetch(baseUrl + pathname, {
      redirect: 'manual',
      ...init,
      headers: {
        Accept: 'text/html',
        'Accept-Language': 'en',
        Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.headers as Record<string, string>),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!; // split gives at least one piece
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, headers: res.headers, text: await res.text(), ms: Date.now() - started };
  };
  return {
    get: (pathname: string, headers: Record<string, string> = {}) => request(pathname, { headers }),
    async signIn(email: string, password: string) {
      const page = await request('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const res = await request('/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
      });
      if (res.status !== 302) throw new Error(`sign-in as ${email} failed: ${res.status}\n${res.text.slice(0, 500)}`);
    },
  };
}
