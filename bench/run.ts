// npm run bench [-- --firms 60|600] [--duration 5] [--connections 4] [--pages "firm detail,reports"] — builds (the npm script), starts the built app in
// production mode on a seeded database (data/bench-<N>, seeded first when empty; MONGODB_URI when set), signs in as staff,
// admin, an investor and a viewer, and drives each key page with autocannon. Per page: requests per second, p50/p95 ms,
// database commands, database and app ms per request (BENCH_TIMING=1: the app reports them per request), app time as a
// ratio of the baseline's (a 50-row table from memory on the same middleware stack) and the app's peak RSS. Writes
// bench/results.json; exits 1 on any error or unexpected status.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../server/lib/paths.js';
import { freePort } from '../server/db/ferretdb.js';
import { option, textOption } from '../scripts/lib/cli.js';
import { connectDb, disconnectDb } from '../server/db/connection.js';
import { TIMING_MARK } from '../server/db/db-timing.js';
import { FirmModel } from '../models/index.js';
import { BENCH_ACCOUNTS, BENCH_PASSWORD, benchDataDir, generate, openDatabase } from '../scripts/seed-bulk.js';

type Role = keyof typeof BENCH_ACCOUNTS;
type Timing = {
  path: string;
  status: number;
  totalMs: number;
  dbMs: number;
  commands: number;
  slowest: { command: string; ms: number } | null;
};
type PageResult = {
  p50Ms: number;
  p95Ms: number;
  rps: number;
  commands: number;
  dbMs: number;
  appMs: number;
  appRatio: number;
  // The mean app ms of the baselines measured just before and just after this page (the ratio's denominator).
  baselineAppMs: number;
  peakRssMb: number;
  requests: number;
};

// The command that was a request's slowest most often, with its mean time when it was.
function slowestCommand(timings: Timing[]): string {
  const byCommand = new Map<string, number[]>();
  for (const t of timings)
    if (t.slowest) byCommand.set(t.slowest.command, [...(byCommand.get(t.slowest.command) ?? []), t.slowest.ms]);
  const [command, times] = [...byCommand].sort((a, b) => b[1].length - a[1].length)[0] ?? ['—', [NaN]];
  return `${command} ${mean(times).toFixed(0)} ms`;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

type App = { child: ChildProcess; timings: Timing[]; output: () => string };

function startApp(port: number, uri: string): App {
  const { ADMIN_EMAIL: _e, ADMIN_PASSWORD: _p, ...env } = process.env;
  // BENCH_CPU_PROF=<folder>: the app writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(projectRoot, 'dist', 'server', 'index.js')], {
    cwd: projectRoot,
    env: {
      ...env,
      NODE_ENV: 'production',
      MONGODB_URI: uri,
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
      SECURE_COOKIES: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BENCH_TIMING: '1',
      BENCH_BASELINE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timings: Timing[] = [];
  let tail = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines)
      if (line.startsWith(TIMING_MARK)) timings.push(JSON.parse(line.slice(TIMING_MARK.length)) as Timing);
      else tail = (tail + line + '\n').slice(-6000);
  });
  child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-6000)));
  return { child, timings, output: () => tail };
}

async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the app exited (${child.exitCode ?? child.signalCode}) while starting`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await pause(300);
  }
  throw new Error('the app did not answer /healthz within 180 s');
}

// Signs in by posting the login form with its CSRF token, as a browser does; returns the cookie header and a page getter.
async function signIn(base: string, email: string) {
  const cookies = new Map<string, string>();
  const take = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = async (p: string) => {
    const res = await fetch(`${base}${p}`, { headers: { cookie: header(), accept: 'text/html' }, redirect: 'manual' });
    take(res);
    if (res.status !== 200) throw new Error(`GET ${p} as ${email} answered ${res.status}`);
    return res.text();
  };
  const token = /name="_csrf" value="([^"]+)"/.exec(await get('/login'))?.[1];
  if (!token) throw new Error('no CSRF token on the login page');
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ _csrf: token, email, password: BENCH_PASSWORD }).toString(),
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  });
  take(res);
  if (res.status !== 302) throw new Error(`sign-in as ${email} answered ${res.status}, not 302`);
  return { cookie: header, get };
}

const idsIn = (html: string, prefix: string) => [
  ...new Set([...html.matchAll(new RegExp(`href="${prefix}/([0-9a-f]{24})"`, 'g'))].map((m) => m[1])),
];
const nextLink = (html: string) =>
  /<a href="([^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#39;/g, "'");

type Page = { name: string; role: Role; paths: string[] };

async function measure(base: string, app: App, cookie: string, page: Page, duration: number, connections: number) {
  const run = (seconds: number, onLatency?: (ms: number) => void) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      let i = 0;
      const opts = {
        url: base,
        connections,
        duration: seconds,
        timeout: 20,
        headers: { cookie, accept: 'text/html' },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              method: 'GET' as const,
              path: page.paths[i++ % page.paths.length],
            }),
          },
        ],
      };
      const instance = autocannon(opts, (err, result) => (err ? reject(err as Error) : resolve(result)));
      if (onLatency) instance.on('response', (_c, _s, _b, ms) => onLatency(ms));
    });
  // Warm-up: each path once, one at a time (a figure not kept yet is computed by one request, not by every connection
  // at once: a freshly seeded 600-firm database's first reports took longer than the whole run), then a second of load.
  for (const p of page.paths)
    await fetch(`${base}${p}`, { headers: { cookie, accept: 'text/html' } }).then((r) => r.text());
  await run(1);
  await pause(300);
  app.timings.length = 0;
  const latencies: number[] = [];
  let peak = rssMb(app.child.pid!);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.child.pid!))), 100);
  const result = await run(duration, (ms) => latencies.push(ms));
  clearInterval(sampler);
  await pause(300);
  const timings = app.timings.filter((t) => page.paths.some((p) => t.path === p));
  const unexpected = timings.filter((t) => t.status < 200 || t.status >= 300).length + result.non2xx;
  return {
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    rps: result.requests.average,
    commands: mean(timings.map((t) => t.commands)),
    dbMs: mean(timings.map((t) => t.dbMs)),
    appMs: mean(timings.map((t) => t.totalMs - t.dbMs)),
    peakRssMb: peak,
    requests: latencies.length,
    slowest: slowestCommand(timings),
    errors: result.errors + result.timeouts,
    unexpected,
  };
}

async function main(): Promise<number> {
  const firms = option('firms', 60);
  const duration = option('duration', 5);
  const connections = option('connections', 4);
  const uriFromEnv = process.env.MONGODB_URI || undefined;
  const db = await openDatabase({ uri: uriFromEnv, dataDir: benchDataDir(firms) });
  let app: App | undefined;
  try {
    // Seed first when the database has no firms.
    await connectDb(db.uri);
    const present = await FirmModel.estimatedDocumentCount();
    if (present === 0) {
      console.log(`bench: seeding ${firms} firms first…`);
      const t0 = Date.now();
      await generate({ firms, seed: 42 });
      console.log(`bench: seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } else if (present !== firms && !uriFromEnv)
      console.warn(`bench: the database holds ${present} firms, not ${firms}`);
    const size = await FirmModel.estimatedDocumentCount();
    await disconnectDb();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    app = startApp(port, db.uri);
    await waitHealthy(base, app.child);
    const sessions = {} as Record<Role, Awaited<ReturnType<typeof signIn>>>;
    for (const role of Object.keys(BENCH_ACCOUNTS) as Role[]) sessions[role] = await signIn(base, BENCH_ACCOUNTS[role]);

    const firmIds = idsIn(await sessions.staff.get('/firms?sort=raised&dir=desc'), '/firms').slice(0, 20);
    const investorIds = idsIn(await sessions.staff.get('/investors'), '/investors').slice(0, 20);
    let later = '/audit';
    for (let i = 0; i < 5; i += 1) later = nextLink(await sessions.admin.get(later)) ?? later;
    if (!firmIds.length || !investorIds.length) throw new Error('no firms or investors on the list pages');
    if (later === '/audit')
      console.warn('bench: the audit log has no later page (no audit entries?): that page is left out');

    const pages: Page[] = [
      { name: 'baseline', role: 'staff', paths: ['/__bench/baseline'] },
      { name: 'dashboard', role: 'staff', paths: ['/'] },
      { name: 'firm list', role: 'staff', paths: ['/firms'] },
      { name: 'firm list, filtered', role: 'staff', paths: ['/firms?status=resident&sector=payments'] },
      { name: 'firm list, sorted', role: 'staff', paths: ['/firms?sort=raised&dir=desc'] },
      { name: 'search', role: 'staff', paths: ['/firms?q=pay', '/firms?q=%ED%95%B4%EC%9A%B4', '/firms?q=data'] },
      { name: 'firm detail', role: 'staff', paths: firmIds.map((id) => `/firms/${id}`) },
      { name: 'investor list', role: 'staff', paths: ['/investors'] },
      { name: 'investor detail', role: 'staff', paths: investorIds.map((id) => `/investors/${id}`) },
      { name: 'deal-flow board', role: 'staff', paths: ['/matches'] },
      { name: 'my follow-ups', role: 'staff', paths: ['/matches/mine'] },
      { name: 'investor portal', role: 'investor', paths: ['/portal'] },
      { name: 'reports', role: 'viewer', paths: ['/reports'] },
      { name: 'audit log, first page', role: 'admin', paths: ['/audit'] },
      ...(later === '/audit' ? [] : [{ name: 'audit log, later page', role: 'admin' as Role, paths: [later] }]),
      { name: 'firm CSV export', role: 'staff', paths: ['/firms/export.csv'] },
    ];
    const results: Record<string, PageResult> = {};
    const failures: string[] = [];
    let baselineApp = NaN;
    const baselineApps: number[] = [];
    console.log(
      `\nbench: ${size} firms, ${connections} connections, ${duration} s a page; ${os.cpus().length} × ${os.cpus()[0]?.model}; database ${db.description}\n`,
    );
    const head = ['page', 'rps', 'p50 ms', 'p95 ms', 'cmds/req', 'db ms', 'app ms', 'app/base', 'peak RSS MB'];
    console.log(`${head.map((h, i) => (i ? h.padStart(12) : h.padEnd(24))).join('')}  slowest command`);
    // --pages "firm detail,reports" measures only those pages (and the baseline), for a quick look at one change; names
    // with a comma of their own are separated by semicolons: --pages "firm list, filtered;search".
    const pagesArg = textOption('pages', '');
    const only = pagesArg
      .split(pagesArg.includes(';') ? ';' : ',')
      .map((p) => p.trim())
      .filter(Boolean);
    for (const page of pages.filter((p) => !only.length || p.name === 'baseline' || only.includes(p.name))) {
      // The baseline is measured again around each page, just before and just after it (for half as long; the one after
      // a page is the one before the next), and the page's ratio is to their mean: the host's speed drifts by up to 2×
      // within a run of a few minutes, and a ratio to the first page's baseline carried that drift into every later
      // page's figure; to the one before alone, a drift during the page (3.2 to 6.0 ms between neighbours) did.
      const m = await measure(base, app, sessions[page.role].cookie(), page, duration, connections);
      if (page.name === 'baseline') baselineApps.push(m.appMs);
      const before = baselineApps.at(-1)!;
      const after = await measure(
        base,
        app,
        sessions.staff.cookie(),
        pages[0]!,
        Math.max(2, duration / 2),
        connections,
      );
      baselineApps.push(after.appMs);
      baselineApp = page.name === 'baseline' ? m.appMs : (before + after.appMs) / 2;
      if (m.errors) failures.push(`${page.name}: ${m.errors} errors or timeouts`);
      if (!m.requests) failures.push(`${page.name}: no response within the ${duration} s run`);
      if (m.unexpected) failures.push(`${page.name}: ${m.unexpected} responses other than 2xx`);
      const r: PageResult = {
        p50Ms: m.p50Ms,
        p95Ms: m.p95Ms,
        rps: m.rps,
        commands: m.commands,
        dbMs: m.dbMs,
        appMs: m.appMs,
        appRatio: m.appMs / baselineApp,
        baselineAppMs: baselineApp,
        peakRssMb: m.peakRssMb,
        requests: m.requests,
      };
      results[page.name] = r;
      const cells = [r.rps, r.p50Ms, r.p95Ms, r.commands, r.dbMs, r.appMs, r.appRatio, r.peakRssMb].map((v, i) =>
        (i === 3 || i === 5 || i === 6 ? v.toFixed(1) : v.toFixed(0)).padStart(12),
      );
      console.log(`${page.name.padEnd(24)}${cells.join('')}  ${m.slowest}`);
    }
    const machine = {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      database: db.description,
      loadAverage: os.loadavg()[0],
    };
    const round = (x: number) => Math.round(x * 10) / 10;
    const pagesOut = Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name,
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])),
      ]),
    );
    const spread = baselineApps.map((ms) => ms.toFixed(1));
    console.log(`\nbaseline app ms, measured before the first page and after each: ${spread.join(', ')}`);
    if (only.length) console.log('\nbench/results.json left as it was (--pages measures a part)');
    else {
      writeFileSync(
        path.join(projectRoot, 'bench', 'results.json'),
        `${JSON.stringify({ size, connections, durationS: duration, at: new Date().toISOString(), machine, pages: pagesOut }, null, 2)}\n`,
      );
      console.log(`\nwrote bench/results.json`);
    }
    if (failures.length) {
      console.log(
        `\nbench FAILED:\n  ${failures.join('\n  ')}\n--- app output (tail) ---\n${app.output().slice(-3000)}`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    if (app) console.error(`--- app output (tail) ---\n${app.output().slice(-3000)}`);
    throw err;
  } finally {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      const exited = new Promise((r) => app!.child.once('exit', r));
      app.child.kill('SIGTERM');
      await exited;
    }
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
