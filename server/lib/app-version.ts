import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localesDir, viewsDir } from './paths.js';

// What the app draws and writes is decided by its templates, its strings and its code: a hash of all three, taken at
// start-up, is part of the key of everything kept drawn (kept-html.ts) or written (a kept export), so a deploy that
// changes any of them never serves what an earlier version made. The code is the running copy's own (server/ under tsx,
// dist/server/ built) with its models.

function hashOfFiles(dir: string, hash: ReturnType<typeof createHash>): ReturnType<typeof createHash> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashOfFiles(file, hash);
    else hash.update(entry.name).update(readFileSync(file));
  }
  return hash;
}

const codeDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modelsDir = path.join(path.dirname(codeDir), 'models');

export const APP_VERSION = [viewsDir, localesDir, codeDir, modelsDir]
  .reduce((hash, dir) => hashOfFiles(dir, hash), createHash('sha256'))
  .digest('hex')
  .slice(0, 16);
