import type { Express } from 'express';
import type { Transporter } from 'nodemailer';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { createI18n } from '../../server/lib/i18n.js';
import { LoginLimiter, defaultLoginLimits, type LoginLimits } from '../../server/auth/login-limiter.js';
import type { Role } from '../../models/enums.js';
import { makeUser, TEST_PASSWORD } from './factories.js';

export type TestApp = { app: Express; config: Config; close: () => Promise<void> };

export async function buildTestApp(
  env: Record<string, string> = {},
  limits: LoginLimits = defaultLoginLimits,
  extraRoutes?: (app: Express) => void,
  // A capturing transport (test/helpers/mail.ts) in place of the SMTP server the env names.
  mailTransport?: Transporter,
): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const limiter = new LoginLimiter(limits);
  await limiter.init();
  const { app } = createApp({
    config,
    logger: createLogger('silent'),
    i18n: await createI18n(),
    limiter,
    extraRoutes,
    mailTransport,
  });
  return {
    app,
    config,
    close: () => {
      limiter.stop();
      return Promise.resolve();
    },
  };
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

export type Agent = ReturnType<typeof supertest.agent> & { csrf: () => Promise<string> };

export function agentOf(app: Express): Agent {
  const agent = supertest.agent(app) as Agent;
  agent.csrf = async () =>
    csrfFrom(
      (await agent.get('/login').set('Accept', 'text/html')).text ||
        (await agent.get('/').redirects(1).set('Accept', 'text/html')).text,
    );
  return agent;
}

// A signed-in browser-like agent for a new user with the given role.
export async function loginAs(
  app: Express,
  role: Role,
  overrides: { email?: string; investorOrg?: string; name?: string } = {},
): Promise<Agent & { userId: string; email: string }> {
  const user = await makeUser({ role, ...overrides });
  const agent = agentOf(app);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
  if (res.status !== 302) throw new Error(`login as ${role} failed: ${res.status}`);
  // A page every signed-in role sees (a viewer's home redirects to the reports).
  agent.csrf = async () => csrfFrom((await agent.get('/account/password').set('Accept', 'text/html')).text);
  // The first page after sign-in replaces the form token of the signed-out visit; later pages keep it, so a request built
  // before its token is fetched still carries the right cookie.
  await agent.csrf();
  return Object.assign(agent, { userId: String(user._id), email: user.email });
}

// Encodes nested form fields the way a browser sends the round form: participants[0][investor]=….
export function formBody(obj: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const add = (key: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => add(typeof x === 'object' ? `${key}[${i}]` : key, x));
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) add(`${key}[${k}]`, x);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params.append(key, String(v));
  };
  for (const [k, v] of Object.entries(obj)) add(k, v);
  return params.toString();
}

// The app for one describe block: built before its tests, closed after. Reads like the TestApp it stands for.
export function useTestApp(
  env: Record<string, string> = {},
  limits: LoginLimits = defaultLoginLimits,
  mailTransport?: Transporter,
): TestApp {
  let built: TestApp | undefined;
  before(async () => {
    built = await buildTestApp(env, limits, undefined, mailTransport);
  });
  after(() => built?.close());
  const current = () => {
    if (!built) throw new Error('test app used outside its describe block');
    return built;
  };
  return {
    get app() {
      return current().app;
    },
    get config() {
      return current().config;
    },
    close: () => current().close(),
  };
}

// Uploads a CSV to the import as the upload form does (the token first: a request built before the session cookie
// exists would go without it); the answer is the preview page.
export async function uploadCsv(
  agent: Agent,
  kind: string,
  csv: string | Buffer,
  filename = `${kind}.csv`,
  lang?: 'ko' | 'en',
) {
  const token = await agent.csrf();
  const req = agent.post('/firms/import');
  return (lang ? req.set('Accept-Language', lang) : req)
    .field('_csrf', token)
    .field('kind', kind)
    .attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), filename);
}

// The action the preview shows for each row, in order.
export const previewActionsOf = (html: string) =>
  [...html.matchAll(/data-line="(\d+)" data-action="(\w+)"/g)].map((m) => m[2]);
