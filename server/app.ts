import express, { type Express } from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { csrfProtection } from './lib/csrf.js';
import { AppSessionStore, SESSION_COOKIE, saveSessionBeforeRedirect } from './sessions/index.js';
import type { i18n as I18n } from 'i18next';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { publicDir } from './lib/paths.js';
import { useViews } from './lib/view-engine.js';
import { i18nMiddleware } from './lib/i18n.js';
import { viewLocals, userLocals } from './lib/view-locals.js';
import { errorHandler, notFoundHandler } from './lib/error-handler.js';
import { authRouter, configurePassport, type LoginLimiter } from './auth/index.js';
import { checkCredentials, findActiveUserById, recordLogin, usersRouter } from './users/index.js';
import { createMailer } from './mail/index.js';
import type { Transporter } from 'nodemailer';
import { healthRouter } from './health/index.js';
import { inFlight } from './lib/in-flight.js';
import { refuseWhileDbDown } from './db/db-guard.js';
import { featureRouters, uploadPaths } from './routes.js';
import { dbTiming } from './db/db-timing.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  i18n: I18n;
  limiter: LoginLimiter;
  // Tests mount extra routes (e.g. one that fails) behind the same middleware and error pages.
  extraRoutes?: (app: Express) => void;
  // Tests: a capturing nodemailer transport instead of the SMTP server the configuration names (used only when SMTP is
  // configured: without it no email is sent at all).
  mailTransport?: Transporter;
};

// Wires Express; does no I/O of its own (the database is connected before, by the caller).
export function createApp({ config, logger, i18n, limiter, extraRoutes, mailTransport }: AppDeps): { app: Express } {
  const app = express();
  useViews(app, { env: config.env });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Read by the reports API's rate limiter (server/reports/api-access.ts).
  app.set('apiRateLimit', config.apiRateLimit);
  if (config.bench.timing) app.use(dbTiming);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Only over HTTPS: on plain HTTP the browser would rewrite every asset URL to https and break the page.
          ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.secureCookies,
      // Same-origin requests carry their Origin (helmet's default no-referrer makes browsers send "Origin: null").
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // First: count requests for graceful shutdown (503 while draining), then 503 at once while the database is down.
  app.use(inFlight.track, refuseWhileDbDown);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url?.startsWith('/static/') === true },
    }),
  );
  app.use('/static', express.static(publicDir, { maxAge: config.isProduction ? '7d' : 0 }));
  app.use(healthRouter);

  app.use(i18nMiddleware(i18n));
  app.use(viewLocals);
  app.use(express.urlencoded({ extended: true, limit: '200kb', parameterLimit: 2000 }));
  app.use(express.json({ limit: '200kb' }));
  app.use(cookieParser());

  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      store: new AppSessionStore(),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: 8 * 3600 * 1000 },
    }),
  );
  // Signing in reads the user accounts through these (auth does not import users, which imports auth).
  const accounts = { checkCredentials, findActiveUserById, recordLogin };
  const passport = configurePassport(accounts);
  app.use(passport.session());
  // A signed-in page is never stored by the browser: after signing out on a shared computer, Back showed a firm's whole
  // page from the cache. (A route may still allow its own short caching, as the report charts do.)
  app.use((req, res, next) => {
    if (req.user) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(saveSessionBeforeRedirect);
  app.use(userLocals);

  app.use(csrfProtection({ secret: config.sessionSecret, secureCookies: config.secureCookies, uploadPaths }));

  const mailer = createMailer(config.mail, logger, mailTransport);
  for (const router of [
    authRouter({ limiter, secureCookies: config.secureCookies, accounts }),
    usersRouter({ mailer, limiter, publicUrl: config.publicUrl }),
    ...featureRouters,
  ])
    app.use(router);

  extraRoutes?.(app);
  app.use(notFoundHandler);
  app.use(errorHandler({ showStack: !config.isProduction }));

  return { app };
}
