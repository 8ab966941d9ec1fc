// npm run soak [-- --duration 60 --connections 50] — the built app (npm run build) on a fresh embedded database with demo
// data, after a warm-up, under a steady mix of signed-in page reads and form posts. Prints errors, statuses and the app's
// memory at the start and end; exits 1 on any error, any non-2xx/3xx apart from the intended 409/422, or RSS growth ≥ 20 %.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../server/lib/paths.js';
import { freePort } from '../server/db/ferretdb.js';
import { option } from './lib/cli.js';

const DEMO = { email: 'staff@example.org', password: 'tipstown-demo' };
const INTENDED = new Set([409, 422]);
const MAX_RSS_GROWTH = 0.2;
const SEARCHES = ['pay', '부산', 'chain', 'fin', '블록', 'data', 'b'];

// kB of resident memory, from /proc (Linux).
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
const childPids = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

// CPU time the process has used so far, in clock ticks (1/100 s on Linux).
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); // after "pid (comm) "
  return Number(fields[11]) + Number(fields[12]);
}

// Waits until the app is idle (under 5 % of a core for a second, at most 30 s): requests the load tool gave up on at its
// end are still being answered.
async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTicks(pid);
    if (now - last <= 5) return;
    last = now;
  }
}

// A fresh DATA_DIR that reuses the built FerretDB (and the remembered "no mongod download" verdict, so start-up doesn't wait on it).
function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tipstown-soak-'));
  const data = path.join(projectRoot, 'data');
  if (existsSync(path.join(data, 'tools'))) symlinkSync(path.join(data, 'tools'), path.join(dir, 'tools'));
  if (existsSync(path.join(data, 'mongod-unavailable.json')))
    copyFileSync(path.join(data, 'mongod-unavailable.json'), path.join(dir, 'mongod-unavailable.json'));
  return dir;
}

// process.memoryUsage() of the app right after a full collection, in bytes.
type MemoryUsage = { rss: number; heapUsed: number; external: number; arrayBuffers: number };
type App = { child: ChildProcess; output: () => string; memory: MemoryUsage[] };

// Instruments, not app code: on SIGUSR2 the app runs a full garbage collection and prints its memory use. RSS is compared
// at rest after one (a sample taken any other time lands anywhere in V8's heap sizing, which swings by tens of MB under
// load), and the heap and external memory it reports tell a leak from the process merely keeping memory it once used.
const MEMORY_MARK = 'soak-memory ';
const GC_ON_SIGNAL = `--import=data:text/javascript,${encodeURIComponent(
  `process.on('SIGUSR2', () => { globalThis.gc?.(); process.stdout.write('${MEMORY_MARK}' + JSON.stringify(process.memoryUsage()) + '\\n'); });`,
)}`;

function startApp(port: number, dataDir: string): App {
  const { MONGODB_URI: _uri, ADMIN_EMAIL: _e, ADMIN_PASSWORD: _p, ...env } = process.env;
  const args = ['--expose-gc', GC_ON_SIGNAL, path.join(projectRoot, 'dist', 'server', 'index.js')];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'development',
      DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const memory: MemoryUsage[] = [];
  let tail = '';
  let partial = '';
  const keep = (text: string) => {
    tail = (tail + text).slice(-6000);
  };
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith(MEMORY_MARK)) memory.push(JSON.parse(line.slice(MEMORY_MARK.length)) as MemoryUsage);
      else keep(`${line}\n`);
    }
  });
  child.stderr.on('data', (d: Buffer) => keep(d.toString()));
  return { child, output: () => tail, memory };
}

async function waitHealthy(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} while starting`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the app did not answer /healthz within ${timeoutMs / 1000} s`);
}

// A browser's cookie jar, reduced to what one host needs: name → value, from every Set-Cookie seen.
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!; // split gives at least one piece
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const decodeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

// Every hidden input of the form posting to `action` (the CSRF token, whatever it is called), as a browser would send them.
function hiddenFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[/?]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no form posting to ${action} on the page`);
  const fields: Record<string, string> = {};
  for (const [input] of form[1]!.matchAll(/<input\b[^>]*>/g)) {
    if (!/type="hidden"/.test(input)) continue;
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) fields[decodeHtml(name)] = decodeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  return fields;
}

type Session = {
  headers: Record<string, string>;
  firmIds: string[];
  investorIds: string[];
  noteFields: Record<string, string>;
  newFirmFields: Record<string, string>;
};

// Signs in once (login is rate-limited) and collects what the mix needs: cookies, ids, and the forms' hidden fields.
async function signIn(base: string): Promise<Session> {
  const jar = new CookieJar();
  const get = async (p: string) => {
    const res = await fetch(`${base}${p}`, {
      headers: { cookie: jar.header(), accept: 'text/html' },
      redirect: 'manual',
    });
    jar.take(res);
    if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}`);
    return res.text();
  };
  const post = async (p: string, fields: Record<string, string>) => {
    const res = await fetch(`${base}${p}`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(fields).toString(),
      headers: { cookie: jar.header(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    });
    jar.take(res);
    return res.status;
  };
  const login = hiddenFields(await get('/login'), '/login');
  const status = await post('/login', { ...login, email: DEMO.email, password: DEMO.password });
  if (status !== 302) throw new Error(`sign-in as ${DEMO.email} answered ${status}, not 302`);
  const firmIds = [
    ...new Set([...(await get('/firms')).matchAll(/href="\/firms\/([0-9a-f]{24})"/g)].map((m) => m[1]!)),
  ];
  const investorIds = [
    ...new Set([...(await get('/investors')).matchAll(/href="\/investors\/([0-9a-f]{24})"/g)].map((m) => m[1]!)),
  ];
  if (!firmIds.length || !investorIds.length) throw new Error('no demo firms or investors found on the list pages');
  const noteFields = hiddenFields(await get(`/firms/${firmIds[0]}`), `/firms/${firmIds[0]}/notes`);
  const newFirmFields = hiddenFields(await get('/firms/new'), '/firms');
  // The two posts of the mix, tried once: a note is saved (302), an empty registration form comes back (422).
  const noted = await post(`/firms/${firmIds[0]}/notes`, { ...noteFields, body: 'soak: first note' });
  const invalid = await post('/firms', { ...newFirmFields, nameKo: '', nameEn: '', sectorPrimary: '' });
  if (noted !== 302 || invalid !== 422)
    throw new Error(
      `the form posts answered ${noted} (note, expected 302) and ${invalid} (invalid firm, expected 422)`,
    );
  return { headers: { cookie: jar.header(), accept: 'text/html' }, firmIds, investorIds, noteFields, newFirmFields };
}

type Tally = Map<string, Map<number, number>>;

type Pick = { kind: string; method: 'GET' | 'POST'; path: string; body?: string };

// The mix, drawn at random for every request (so a short run has its posts too): 8 in 10 page reads, 1 a note (302),
// 1 an invalid registration (422). Each response is counted under its kind.
function requestMix(s: Session, tally: Tally): autocannon.Request[] {
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(Math.random() * xs.length)];
    if (x === undefined) throw new Error('nothing to pick from');
    return x;
  };
  let note = 0;
  const kinds: (() => Pick)[] = [
    () => ({ kind: 'GET /', method: 'GET', path: '/' }),
    () => ({ kind: 'GET /firms', method: 'GET', path: '/firms' }),
    () => ({ kind: 'GET /firms?q=', method: 'GET', path: `/firms?q=${encodeURIComponent(pick(SEARCHES))}` }),
    () => ({ kind: 'GET /firms/:id', method: 'GET', path: `/firms/${pick(s.firmIds)}` }),
    () => ({ kind: 'GET /firms/:id', method: 'GET', path: `/firms/${pick(s.firmIds)}` }),
    () => ({ kind: 'GET /firms?sort=raised', method: 'GET', path: '/firms?sort=raised&status=resident' }),
    () => ({ kind: 'GET /investors', method: 'GET', path: '/investors' }),
    () => ({ kind: 'GET /investors/:id', method: 'GET', path: `/investors/${pick(s.investorIds)}` }),
    () => {
      note += 1;
      const body = new URLSearchParams({ ...s.noteFields, body: `soak note ${note}` }).toString();
      return { kind: 'POST /firms/:id/notes', method: 'POST', path: `/firms/${pick(s.firmIds)}/notes`, body };
    },
    () => {
      const body = new URLSearchParams({ ...s.newFirmFields, nameKo: '', sectorPrimary: '' }).toString();
      return { kind: 'POST /firms (invalid)', method: 'POST', path: '/firms', body };
    },
  ];
  const form = { ...s.headers, 'content-type': 'application/x-www-form-urlencoded' };
  return [
    {
      method: 'GET',
      path: '/',
      // The connection's context carries the kind from the request to its response.
      setupRequest: (req, context) => {
        const next = pick(kinds)();
        (context as { kind?: string }).kind = next.kind;
        const headers = next.method === 'POST' ? form : s.headers;
        return { ...req, method: next.method, path: next.path, headers, body: next.body };
      },
      onResponse: (status: number, _body: string, context: object) => {
        if (!Number.isInteger(status)) return; // a timeout: counted by autocannon as an error
        const kind = (context as { kind?: string }).kind ?? '?';
        const byStatus = tally.get(kind) ?? new Map<number, number>();
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        tally.set(kind, byStatus);
      },
    },
  ];
}

function run(base: string, opts: { duration: number; connections: number; requests: autocannon.Request[] }) {
  return autocannon({
    url: base,
    duration: opts.duration,
    connections: opts.connections,
    requests: opts.requests,
    timeout: 10,
  });
}

// SIGTERM, as in production; a SIGKILL after 20 s would orphan the app's FerretDB, so that one is stopped by its id too.
async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const children = childPids(child.pid!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone with the app
    }
  }
}

type Measurements = {
  result: autocannon.Result;
  tally: Tally;
  // start/end: at rest after a full collection, after the warm-up and after the run; under load: medians of the run's
  // first and last windows, and its peak. FerretDB's at rest, for information.
  rss: {
    start: number;
    end: number;
    loadStart: number;
    loadEnd: number;
    peak: number;
    window: number;
    dbStart: number;
    dbEnd: number;
  };
  // What the app reported after those two full collections.
  memory: { before?: MemoryUsage; after?: MemoryUsage };
  cpuMs: { app: number; db: number };
  healthy: boolean;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Medians of the first and last windows (10 s, or a quarter of a short run) of RSS samples taken under load.
function underLoad(samples: { at: number; kb: number }[], durationS: number) {
  const window = Math.min(10, durationS / 4) * 1000;
  const end = samples[samples.length - 1]?.at ?? 0;
  return {
    loadStart: median(samples.filter((x) => x.at <= window).map((x) => x.kb)),
    loadEnd: median(samples.filter((x) => x.at >= end - window).map((x) => x.kb)),
    peak: Math.max(...samples.map((x) => x.kb)),
    window: window / 1000,
  };
}

// RSS once the app is idle and has run a full collection, with the memory use it reported then.
async function atRest(app: App): Promise<{ kb: number; memory?: MemoryUsage }> {
  const pid = app.child.pid!;
  await settle(pid);
  const reports = app.memory.length;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50 && app.memory.length === reports; i += 1) await pause(100);
  await pause(500);
  return { kb: rssKb(pid), memory: app.memory[reports] };
}

// Warm-up at the same load, then the measured run, with RSS and CPU of the app (and its FerretDB) around it.
async function soak(
  base: string,
  app: App,
  session: Session,
  opts: { duration: number; connections: number },
): Promise<Measurements> {
  const appPid = app.child.pid!;
  const warmup = Math.min(30, Math.max(10, Math.round(opts.duration / 4)));
  console.log(`warming up for ${warmup} s…`);
  await run(base, { ...opts, duration: warmup, requests: requestMix(session, new Map()) });
  const db = childPids(appPid).find(
    (p) => existsSync(`/proc/${p}/cmdline`) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('ferretdb'),
  );
  const rssOfDb = () => (db ? rssKb(db) : NaN);
  const cpu = () => ({ app: cpuTicks(appPid) * 10, db: db ? cpuTicks(db) * 10 : NaN });
  const before = await atRest(app);
  const dbStart = rssOfDb();
  const cpuStart = cpu();
  const samples: { at: number; kb: number }[] = [];
  const t0 = Date.now();
  const sampler = setInterval(() => samples.push({ at: Date.now() - t0, kb: rssKb(appPid) }), 500);

  console.log(`running ${opts.duration} s at ${opts.connections} connections…`);
  const tally: Tally = new Map();
  const result = await run(base, { ...opts, requests: requestMix(session, tally) });
  clearInterval(sampler);
  await settle(appPid);
  const cpuEnd = cpu();
  const after = await atRest(app);
  const rss = { start: before.kb, end: after.kb, ...underLoad(samples, opts.duration), dbStart, dbEnd: rssOfDb() };
  const memory = { before: before.memory, after: after.memory };
  const healthy = await fetch(`${base}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  const cpuMs = { app: cpuEnd.app - cpuStart.app, db: cpuEnd.db - cpuStart.db };
  return { result, tally, rss, memory, cpuMs, healthy };
}

// Prints the figures; returns what failed.
function report({ result, tally, rss, memory, cpuMs, healthy }: Measurements): string[] {
  const statuses = new Map<number, number>();
  for (const byStatus of tally.values())
    for (const [code, n] of byStatus) statuses.set(code, (statuses.get(code) ?? 0) + n);
  const classes = new Map<string, number>();
  for (const [code, n] of statuses)
    classes.set(`${Math.floor(code / 100)}xx`, (classes.get(`${Math.floor(code / 100)}xx`) ?? 0) + n);
  const unexpected = [...statuses]
    .filter(([code]) => code >= 400 && !INTENDED.has(code))
    .reduce((a, [, n]) => a + n, 0);
  const growth = (rss.end - rss.start) / rss.start;
  const perRequest = (ms: number) => `${(ms / Math.max(1, result.requests.total)).toFixed(0)} ms`;

  console.log(
    `\nrequests      ${result.requests.total} (${result.requests.average.toFixed(0)}/s); latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  console.log(`errors        ${result.errors} (timeouts ${result.timeouts})`);
  console.log(
    `by class      ${[...classes]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}`,
  );
  console.log(
    `by request    ${[...tally].map(([kind, byStatus]) => `${kind} ${[...byStatus].map(([c, n]) => `${c}×${n}`).join(' ')}`).join('; ')}`,
  );
  console.log(`unexpected    ${unexpected} non-2xx/3xx (409 and 422 are intended)`);
  const bytes = (m: MemoryUsage | undefined, key: keyof MemoryUsage) =>
    m ? `${(m[key] / 2 ** 20).toFixed(0)} MB` : 'n/a';
  console.log(
    `app RSS       ${mb(rss.start)} → ${mb(rss.end)} (${(growth * 100).toFixed(1)} %), at rest after a full GC`,
  );
  console.log(
    `under load    ${mb(rss.loadStart)} → ${mb(rss.loadEnd)}, medians of the first and last ${rss.window} s; peak ${mb(rss.peak)}`,
  );
  console.log(
    `after GC      JS heap ${bytes(memory.before, 'heapUsed')} → ${bytes(memory.after, 'heapUsed')}, external ${bytes(memory.before, 'external')} → ${bytes(memory.after, 'external')} (buffers ${bytes(memory.before, 'arrayBuffers')} → ${bytes(memory.after, 'arrayBuffers')})`,
  );
  if (!Number.isNaN(rss.dbStart)) console.log(`FerretDB RSS  ${mb(rss.dbStart)} → ${mb(rss.dbEnd)}`);
  console.log(
    `CPU per req.  app ${perRequest(cpuMs.app)}${Number.isNaN(cpuMs.db) ? '' : `, FerretDB ${perRequest(cpuMs.db)}`} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`,
  );
  console.log(`after         /healthz ${healthy ? 'ok' : 'FAILED'}`);
  return [
    result.errors > 0 && `${result.errors} errors`,
    unexpected > 0 && `${unexpected} unexpected statuses`,
    !(growth < MAX_RSS_GROWTH) && `RSS grew ${(growth * 100).toFixed(1)} %`,
    !healthy && 'unhealthy afterwards',
  ].filter((f): f is string => Boolean(f));
}

async function main(): Promise<number> {
  const duration = option('duration', 60);
  const connections = option('connections', 50);
  if (!existsSync(path.join(projectRoot, 'dist', 'server', 'index.js')))
    throw new Error('dist/server/index.js is missing: npm run build first');
  const dataDir = freshDataDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = startApp(port, dataDir);
  const { child, output } = app;
  try {
    console.log(`soak: the built app on ${base}, embedded database in ${dataDir}`);
    await waitHealthy(base, child, 180_000);
    const session = await signIn(base);
    console.log(
      `signed in as ${DEMO.email}; ${session.firmIds.length} firms and ${session.investorIds.length} investors in the mix`,
    );
    const failures = report(await soak(base, app, session, { duration, connections }));
    if (failures.length) console.log(`\n--- app output (tail) ---\n${output().slice(-3000)}`);
    console.log(failures.length ? `\nsoak FAILED: ${failures.join(', ')}` : '\nsoak passed');
    return failures.length ? 1 : 0;
  } catch (err) {
    console.error(
      `soak failed: ${err instanceof Error ? err.message : String(err)}\n--- app output (tail) ---\n${output()}`,
    );
    return 1;
  } finally {
    await stopApp(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
