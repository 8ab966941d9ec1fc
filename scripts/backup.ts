// npm run backup -- <file> — writes a gzipped EJSON archive of the app's database (every collection but sessions and
// login rate-limit counters), with a manifest of counts. For the embedded database, stop the app first.
import path from 'node:path';
import { loadConfig, ConfigError } from '../server/config.js';
import { withAppDatabase } from '../server/backup/app-database.js';
import { backupDatabase } from '../server/backup/index.js';

async function main(): Promise<number> {
  const [file, ...extra] = process.argv.slice(2);
  if (!file || extra.length || file.startsWith('-')) {
    console.error('usage: npm run backup -- <file.ndjson.gz>');
    return 64;
  }
  const config = loadConfig();
  const log = (m: string) => console.error(m);
  const result = await withAppDatabase(config, (db) => backupDatabase(db, path.resolve(file)), log);
  for (const [name, n] of Object.entries(result.counts)) console.log(`  ${name.padEnd(20)} ${n}`);
  console.log(
    `backup written: ${result.file} — ${result.documents} documents, ${(result.bytes / 1024).toFixed(0)} KiB, ${(result.ms / 1000).toFixed(1)} s`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? `backup failed: ${err.message}` : err);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
