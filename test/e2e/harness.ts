import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths.js';
import { freePort } from '../../server/db/ferretdb.js';

// The browser tests' machinery: the built app as a child process in production mode, Debian's chromium driven by
// playwright-core, axe-core on every page a journey passes, and screenshots at the key steps.

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(projectRoot, 'test', 'e2e', 'screenshots');

export type Lang = 'ko' | 'en';

// One context per language: Korean on a 390 px phone, English on a 1280 px desktop.
export const DEVICES: Record<Lang, BrowserContextOptions> = {
  ko: {
    locale: 'ko-KR',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    timezoneId: 'Asia/Seoul',
    acceptDownloads: true,
  },
  en: {
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    timezoneId: 'Asia/Seoul',
    acceptDownloads: true,
  },
};

// Whether the e2e suites can run here: the browser is there, or (outside CI) they are skipped with a notice.
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const how = `install it with "apt-get install chromium fonts-noto-cjk" or set CHROMIUM_PATH`;
  if (process.env.CI) throw new Error(`The browser tests need chromium at ${CHROMIUM_PATH}: ${how} (.ci/run does).`);
  return `[e2e] skipped: no chromium at ${CHROMIUM_PATH}; ${how}.`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// Built once per test run: the journeys of both languages run in parallel workers of one mocha process (or one after
// the other in a serial run), and two builds writing dist/ at once would race. The first to take the lock (a folder
// named after the mocha process) builds; the others wait for its "built" mark. No build when dist/ is newer than every
// source: `npm test` type-checks with `tsc -p tsconfig.json`, which writes dist/ as `npm run build` does.
export async function buildAppOnce(): Promise<void> {
  if (distIsCurrent()) return;
  const runId = path.basename(process.argv[1] ?? '') === 'worker.cjs' ? process.ppid : process.pid;
  const lock = path.join(os.tmpdir(), `tipstown-e2e-build-${runId}`);
  const done = path.join(lock, 'built');
  const failed = path.join(lock, 'failed');
  try {
    mkdirSync(lock);
  } catch {
    const deadline = Date.now() + 300_000;
    while (!existsSync(done)) {
      if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'));
      if (Date.now() > deadline)
        throw new Error(`the app build of this test run (${lock}) did not finish in 5 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return;
  }
  process.once('exit', () => rmSync(lock, { recursive: true, force: true }));
  try {
    buildApp();
  } catch (err) {
    writeFileSync(failed, (err as Error).message);
    throw err;
  }
  writeFileSync(done, '');
}

// Every server/ and models/ source has its .js in dist/, written after the source and the compiler options were.
function distIsCurrent(): boolean {
  const options = ['tsconfig.json', 'scripts/tsconfig.build.json'].map(
    (f) => statSync(path.join(projectRoot, f)).mtimeMs,
  );
  for (const dir of ['server', 'models']) {
    for (const file of readdirSync(path.join(projectRoot, dir), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const built = path.join(projectRoot, 'dist', dir, file.replace(/\.ts$/, '.js'));
      if (!existsSync(built)) return false;
      const writtenAt = statSync(built).mtimeMs;
      if (writtenAt < statSync(path.join(projectRoot, dir, file)).mtimeMs || options.some((t) => writtenAt < t))
        return false;
    }
  }
  return true;
}

// `npm run build` → dist/, as a deployment does. A type error fails the run under CI; on a developer's machine (work in
// progress elsewhere) tsc has still written dist/, so the journeys run on it after a warning.
function buildApp(): void {
  const res = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, encoding: 'utf8' });
  if (res.status === 0) return;
  const message = `npm run build failed:\n${res.stdout}\n${res.stderr}`;
  if (process.env.CI || !existsSync(path.join(projectRoot, 'dist', 'server', 'index.js'))) throw new Error(message);
  const lines = message.trim().split('\n');
  const shown = lines.slice(0, 15).join('\n') + (lines.length > 15 ? `\n… (${lines.length - 15} more lines)` : '');
  console.warn(`[e2e] ${shown}\n[e2e] running on what tsc emitted anyway`);
}

export type BuiltApp = { baseUrl: string; output: () => string; stop: () => Promise<void> };

// `node dist/server/index.js` in production mode on a free port against the given database (whose users exist already,
// so nothing is seeded); resolves once /healthz answers.
export async function startBuiltApp(mongodbUri: string): Promise<BuiltApp> {
  const port = await freePort();
  const { ADMIN_EMAIL: _e, ADMIN_PASSWORD: _p, ...env } = process.env;
  const child: ChildProcess = spawn(process.execPath, [path.join(projectRoot, 'dist', 'server', 'index.js')], {
    cwd: projectRoot,
    env: {
      ...env,
      NODE_ENV: 'production',
      MONGODB_URI: mongodbUri,
      SESSION_SECRET: 'e2e-session-secret-0123456789abcdef0123',
      // Plain http on 127.0.0.1: Secure cookies (and the CSP's upgrade-insecure-requests) would not work.
      SECURE_COOKIES: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the built app exited with ${child.exitCode}:\n${output}`);
    if (
      await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the built app did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, output: () => output, stop };
}

export type Violation = { page: string; id: string; impact: string; help: string; targets: string[] };

// axe-core on each page passed: serious and critical violations are kept to be asserted at the end of the run.
// axe.run() in the page itself ("legacy mode"): the default runs axe in each frame and then again in a new blank tab
// to put the frames' results together, which took 40 % of a journey's time; the app's pages have no frames, so the
// same rules check the same document.
export class AccessibilityLog {
  readonly violations: Violation[] = [];
  readonly pages: string[] = [];

  async check(page: Page, step: string): Promise<void> {
    const result = await new AxeBuilder({ page }).setLegacyMode().analyze();
    const where = `${step} ${new URL(page.url()).pathname}`;
    this.pages.push(where);
    for (const v of result.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      this.violations.push({
        page: where,
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      });
    }
  }

  report(): string {
    return this.violations
      .map((v) => `- ${v.impact} ${v.id} (${v.help}) on ${v.page}: ${v.targets.join(' | ')}`)
      .join('\n');
  }
}

// Full-page screenshots named <lang>-<nn>-<step>.png; a language's journeys start by removing that language's old ones.
export class Screenshots {
  private n = 0;
  constructor(private readonly prefix: string) {}

  static reset(prefix: string): void {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const file of readdirSync(SCREENSHOT_DIR)) {
      if (file.startsWith(`${prefix}-`)) rmSync(path.join(SCREENSHOT_DIR, file), { force: true });
    }
  }

  async take(page: Page, step: string): Promise<void> {
    this.n += 1;
    const file = `${this.prefix}-${String(this.n).padStart(2, '0')}-${step}.png`;
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, file), fullPage: true });
  }
}
