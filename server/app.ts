import express, { type Express } from 'express';
import session from 'express-session';
import { MongoStore } from 'connect-mongo';
import helmet from 'helmet';
import mongoose from 'mongoose';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { appCsrf } from './lib/csrf.js';
import { SESSIONS_COLLECTION, startSessionSweeper } from './auth/session-sweeper.js';
import type { i18n as I18n } from 'i18next';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { publicDir, viewsDir } from './lib/paths.js';
import { i18nMiddleware } from './lib/i18n.js';
import { viewLocals, userLocals } from './lib/view-locals.js';
import { errorHandler, notFoundHandler } from './lib/error-handler.js';
import { configurePassport } from './auth/passport.js';
import { authRouter } from './auth/auth.routes.js';
import type { LoginLimiter } from './auth/login-limiter.js';
import { healthRouter } from './health/health.routes.js';
import { featureRouters } from './routes.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  i18n: I18n;
  limiter: LoginLimiter;
  // Tests mount extra routes (e.g. one that fails) behind the same middleware and error pages.
  extraRoutes?: (app: Express) => void;
};

export const SESSION_COOKIE = 'tipstown.sid';

// Wires Express; does no I/O of its own (the database is connected before, by the caller).
export function createApp({ config, logger, i18n, limiter, extraRoutes }: AppDeps): { app: Express; close: () => Promise<void> } {
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

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
    }),
  );
  app.use(pinoHttp({ logger, genReqId: (req, res) => {
    const id = randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  }, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url?.startsWith('/static/') === true } }));
  app.use('/static', express.static(publicDir, { maxAge: config.isProduction ? '7d' : 0 }));
  app.use(healthRouter);

  app.use(i18nMiddleware(i18n));
  app.use(viewLocals);
  app.use(express.urlencoded({ extended: true, limit: '200kb', parameterLimit: 2000 }));
  app.use(express.json({ limit: '200kb' }));

  const store = MongoStore.create({
    client: mongoose.connection.getClient(),
    dbName: mongoose.connection.name,
    collectionName: SESSIONS_COLLECTION,
    // No TTL index (FerretDB has none) and not connect-mongo's interval removal (an unacknowledged write):
    // server/auth/session-sweeper.ts removes expired sessions.
    autoRemove: 'disabled',
    touchAfter: 60,
  });
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: 8 * 3600 * 1000 },
    }),
  );
  const passport = configurePassport();
  app.use(passport.session());
  app.use(userLocals);

  const { csrfSynchronisedProtection, generateToken } = appCsrf;
  app.use((req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  });
  // Multipart forms (the CSV upload) are checked by their route with uploadCsrf, after the upload is parsed.
  app.use(csrfSynchronisedProtection);

  for (const router of [authRouter({ limiter, secureCookies: config.secureCookies }), ...featureRouters]) app.use(router);

  extraRoutes?.(app);
  app.use(notFoundHandler);
  app.use(errorHandler({ showStack: !config.isProduction }));

  const stopSweeper = startSessionSweeper();
  // The store shares mongoose's client, which the caller closes; store.close() would close it too.
  return { app, close: async () => stopSweeper() };
}
