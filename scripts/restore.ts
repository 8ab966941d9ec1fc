// npm run restore -- <file> [--force] — loads a backup into an empty database; --force first empties the database's
// collections (sessions and login counters aside). For the embedded database, stop the app first.
import path from 'node:path';
import { loadConfig, ConfigError } from '../server/config.js';
import { withAppDatabase } from '../server/backup/app-database.js';
import { restoreDatabase } from '../server/backup/index.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const [file, ...more] = args.filter((a) => a !== '--force');
  if (file === undefined || more.length || file.startsWith('-')) {
    console.error('usage: npm run restore -- <file.ndjson.gz> [--force]');
    return 64;
  }
  const config = loadConfig();
  const log = (m: string) => console.error(m);
  const result = await withAppDatabase(config, (db) => restoreDatabase(db, path.resolve(file), { force }), log);
  for (const [name, n] of Object.entries(result.counts)) console.log(`  ${name.padEnd(20)} ${n}`);
  console.log(`restored ${result.documents} documents in ${(result.ms / 1000).toFixed(1)} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? `restore failed: ${err.message}` : err);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
