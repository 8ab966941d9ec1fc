import http from 'node:http';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from './lib/logger.js';
import { startDatabase } from './db/provider.js';
import { connectDb, disconnectDb } from './db/connection.js';
import { createI18n } from './lib/i18n.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { createApp } from './app.js';
import { seedIfEmpty } from './seed/seed.js';
import { backfillDerivedFields } from './firms/firms.service.js';
import { recoverInterruptedImports } from './imports/imports.service.js';
import { DEMO_PASSWORD } from './seed/demo-data.js';
import '../models/index.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = await startDatabase({
    mongodbUri: config.mongodbUri,
    dataDir: config.dataDir,
    dbName: 'tipstown',
    ephemeral: false,
    log: (m) => logger.info(m),
  });
  logger.info({ provider: db.kind }, `database: ${db.description}`);
  await connectDb(db.uri);

  const recovered = await recoverInterruptedImports();
  if (recovered) logger.warn(`undid ${recovered} CSV imports interrupted by a crash`);
  const backfilled = await backfillDerivedFields();
  if (backfilled) logger.info(`updated derived fields of ${backfilled} firms`);
  const seeded = await seedIfEmpty({ production: config.isProduction, demoData: config.demoData, admin: config.admin });
  if (seeded.kind === 'demo') {
    console.log(`\nDemo data created. Sign in with any of these (password "${DEMO_PASSWORD}"):\n${seeded.accounts.map((a) => `  ${a}`).join('\n')}\n`);
  } else if (seeded.kind === 'admin') {
    logger.info(`first admin account created: ${seeded.accounts[0]}`);
  }

  const limiter = new LoginLimiter();
  await limiter.init();
  const i18n = await createI18n();
  const { app, close } = createApp({ config, logger, i18n, limiter });
  const server = http.createServer(app);
  server.listen(config.port, config.host, () => logger.info(`TIPS Town CRM listening on http://localhost:${config.port}`));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    limiter.stop();
    await close();
    await disconnectDb();
    await db.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
