import http from 'node:http';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from './lib/logger.js';
import { startDatabase } from './db/provider.js';
import { connectDb, disconnectDb, onConnectionChange } from './db/connection.js';
import { createI18n } from './lib/i18n.js';
import { LoginLimiter } from './auth/index.js';
import { createApp } from './app.js';
import { inFlight } from './lib/in-flight.js';
import { mountBenchBaseline, mountTestRoutes } from './health/index.js';
import { watchCommands, withCommandMonitoring } from './db/db-timing.js';
import mongoose from 'mongoose';
import { startSessionSweeper } from './sessions/index.js';
import { DEMO_PASSWORD, seedIfEmpty } from './seed/index.js';
import { ensureReportMonths } from './reports/index.js';
import { ensureAuditViews } from './audit/index.js';
import { backfillDerivedFields } from './firms/index.js';
import { backfillNameKeys } from './investors/index.js';
import { repairMatchCopies } from './matches/index.js';
import { drainImportApplies, recoverInterruptedImports, startImportLeaseWatcher } from './imports/index.js';
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
    log: (m, level = 'info') => logger[level](m),
  });
  logger.info({ provider: db.kind }, `database: ${db.description}`);
  await connectDb(config.bench.timing ? withCommandMonitoring(db.uri) : db.uri);
  if (config.bench.timing) watchCommands(mongoose.connection.getClient());

  const recovered = await recoverInterruptedImports();
  if (recovered) logger.warn(`undid ${recovered} CSV imports interrupted by a crash`);
  const backfilled = await backfillDerivedFields();
  if (backfilled) logger.info(`updated derived fields of ${backfilled} firms`);
  const nameKeys = await backfillNameKeys();
  if (nameKeys.updated) logger.info(`updated the name keys of ${nameKeys.updated} investor organisations`);
  if (nameKeys.clashes) logger.warn(`${nameKeys.clashes} investor name keys clash with another's: left as they were`);
  const copies = await repairMatchCopies();
  if (copies) logger.info(`copied the current sector or investor type onto ${copies} matches`);
  // The reports' monthly summaries: rebuilt once when missing or written by an older computation.
  const rebuilt = await ensureReportMonths();
  if (rebuilt !== undefined) logger.info(`rebuilt the reports' monthly summaries (${rebuilt} months)`);
  // The audit log's derived views (the timelines and buckets its pages read): built once when missing.
  const audited = await ensureAuditViews();
  if (audited !== undefined) logger.info(`built the audit log's views from ${audited} entries`);
  const seeded = await seedIfEmpty({
    production: config.isProduction,
    demoData: config.demoData,
    admin: config.admin,
    reportTargetDate: config.reportTargetDate,
  });
  if (seeded.kind === 'demo') {
    console.log(
      `\nDemo data created. Sign in with any of these (password "${DEMO_PASSWORD}"):\n${seeded.accounts.map((a) => `  ${a}`).join('\n')}\n`,
    );
  } else if (seeded.kind === 'admin') {
    logger.info(`first admin account created: ${seeded.accounts[0]}`);
  }

  const limiter = new LoginLimiter();
  await limiter.init();
  const i18n = await createI18n();
  const extraRoutes = config.env === 'test' ? mountTestRoutes : config.bench.baseline ? mountBenchBaseline : undefined;
  const { app } = createApp({ config, logger, i18n, limiter, extraRoutes });
  const stopSweeper = startSessionSweeper();
  // Another instance's apply that stopped renewing its lease (a crash) is undone while this one runs.
  const stopImportWatcher = startImportLeaseWatcher({ logger });
  const server = http.createServer(app);
  server.listen(config.port, config.host, () =>
    logger.info(`TIPS Town CRM listening on http://localhost:${config.port}`),
  );

  // Work that must finish after the last request and before the database closes (e.g. a CSV import still applying).
  const beforeDatabaseClose: Array<() => Promise<void>> = [];

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return void logger.warn(`${reason}: already stopping`);
    stopping = true;
    logger.info(`${reason}: finishing ${inFlight.count} requests in flight (up to ${config.shutdownTimeoutMs} ms)`);
    // Last resort if closing itself hangs: the wait for requests, then the tasks and the database get 30 s more.
    const force = setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 30_000);
    force.unref();

    server.close(); // no new connections; its callback would also wait for idle keep-alive sockets, which we close instead
    inFlight.startDraining(); // a new request on a kept-alive connection gets 503 with Connection: close
    server.closeIdleConnections();
    stopImportWatcher();
    // An import apply still running finishes, or is undone, within the timeout; its own request can still answer meanwhile.
    const importsDrained = drainImportApplies(Math.max(0, config.shutdownTimeoutMs - 1_000));
    beforeDatabaseClose.push(() => importsDrained);
    if (!(await inFlight.waitForIdle(config.shutdownTimeoutMs))) {
      logger.warn(`${inFlight.count} requests still running after ${config.shutdownTimeoutMs} ms: closing anyway`);
    }
    for (const task of beforeDatabaseClose)
      await task().catch((err: unknown) => logger.error({ err }, 'shutdown task failed'));
    server.closeAllConnections();
    limiter.stop();
    stopSweeper();
    try {
      await disconnectDb();
      await db.stop();
    } catch (err) {
      logger.error({ err }, 'closing the database failed');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  // The supervised child database died and could not be restarted: exit non-zero so the app's own supervisor restarts it.
  db.onFatal?.((err) => {
    logger.fatal(err.message);
    void shutdown('database lost', 1);
  });
  onConnectionChange((state) => {
    if (stopping) return;
    if (state === 'lost') logger.warn('database connection lost: pages answer 503 until it is back');
    else logger.info('database connection restored');
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
