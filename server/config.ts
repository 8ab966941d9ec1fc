import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './lib/paths.js';
import { isValidCalendarDate } from './lib/dates.js';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    MONGODB_URI: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    DATA_DIR: z.string().min(1).default(path.join(projectRoot, 'data')),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
    ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
    TRUST_PROXY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
    SECURE_COOKIES: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
    DEMO_DATA: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
    SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(600_000).default(30_000)),
    REPORT_TARGET_DATE: z.preprocess(
      emptyToUndefined,
      z.string().refine(isValidCalendarDate, 'must be a date YYYY-MM-DD').default('2026-12-31'),
    ),
    API_RATE_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(60)),
    // Email (invitations, password resets): SMTP_URL, or SMTP_HOST with its port and login; none set, no email is sent.
    SMTP_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^smtps?$/, error: 'must be smtp:// or smtps://' }).optional(),
    ),
    SMTP_HOST: z.preprocess(emptyToUndefined, z.string().optional()),
    SMTP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(587)),
    SMTP_USER: z.preprocess(emptyToUndefined, z.string().optional()),
    SMTP_PASS: z.preprocess(emptyToUndefined, z.string().optional()),
    SMTP_FROM: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
    ),
    BENCH_TIMING: z.preprocess(emptyToUndefined, z.enum(['0', '1']).default('0')),
    BENCH_BASELINE: z.preprocess(emptyToUndefined, z.enum(['0', '1']).default('0')),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && !env.MONGODB_URI) {
      ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'is required when NODE_ENV=production' });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
    }
    if (env.SMTP_URL && env.SMTP_HOST) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_HOST'], message: 'set SMTP_URL or SMTP_HOST, not both' });
    }
    if ((env.SMTP_URL || env.SMTP_HOST) && !env.SMTP_FROM) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required when SMTP is configured' });
    }
    if ((env.SMTP_URL || env.SMTP_HOST) && !env.PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'is required when SMTP is configured (the links in emails)',
      });
    }
  });

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  mongodbUri?: string;
  sessionSecret: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  admin?: { email: string; password: string };
  trustProxy: number;
  secureCookies: boolean;
  demoData: boolean;
  // On SIGTERM/SIGINT, how long requests in flight may take to finish before the database is closed anyway.
  shutdownTimeoutMs: number;
  // The date the seeded cohort targets are due (YYYY-MM-DD).
  reportTargetDate: string;
  // Requests per minute the reports API answers per token (or signed-in user).
  apiRateLimit: number;
  // Outgoing email; undefined when SMTP is not configured (then no email is sent).
  mail?: MailConfig;
  // The app's address as people reach it, for links in emails (and shown to admins); no trailing slash.
  publicUrl?: string;
  // npm run bench only: database time and command count per request (server/db/db-timing.ts), and the baseline page.
  bench: { timing: boolean; baseline: boolean };
}>;

export type MailConfig = Readonly<{
  smtp: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  from: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// The only reader of the environment: parsed once at start-up, every problem named by its variable.
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    // Outside production a fixed development secret keeps sessions across restarts; production must set one.
    sessionSecret: e.SESSION_SECRET ?? 'tipstown-development-session-secret-not-for-production',
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    trustProxy: e.TRUST_PROXY,
    secureCookies: e.SECURE_COOKIES ? e.SECURE_COOKIES === 'true' : isProduction,
    demoData: !isProduction && e.DEMO_DATA === 'true',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    reportTargetDate: e.REPORT_TARGET_DATE,
    apiRateLimit: e.API_RATE_LIMIT,
    mail: mailConfig(e),
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    bench: { timing: e.BENCH_TIMING === '1', baseline: e.BENCH_BASELINE === '1' },
  });
}

function mailConfig(e: z.output<typeof configSchema>): MailConfig | undefined {
  if (!e.SMTP_FROM) return undefined;
  if (e.SMTP_URL) return { smtp: e.SMTP_URL, from: e.SMTP_FROM };
  if (!e.SMTP_HOST) return undefined;
  const auth = e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASS ?? '' } : undefined;
  // Port 465 speaks TLS from the start; the others upgrade with STARTTLS.
  return { smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_PORT === 465, auth }, from: e.SMTP_FROM };
}
