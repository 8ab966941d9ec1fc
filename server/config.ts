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
  });
}
