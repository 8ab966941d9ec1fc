import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/lib/paths.js';

// The test script names each test folder, in the order that packs a parallel run best (slow files first). A test
// folder left out of it would never run: every folder holding tests must be named there, and no test may sit outside
// a folder.
describe('the test script', () => {
  const script = (
    JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts['test:fast']!;
  const testDir = path.join(projectRoot, 'test');
  const holdsTests = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? holdsTests(path.join(dir, e.name)) : e.name.endsWith('.test.ts'),
    );

  it('runs every folder that holds tests', () => {
    const folders = readdirSync(testDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && holdsTests(path.join(testDir, e.name)))
      .map((e) => e.name);
    expect(folders).to.include('unit');
    const missing = folders.filter((name) => !script.includes(`'test/${name}/**/*.test.ts'`));
    expect(missing, `test folders the test script does not run: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('finds no test outside a folder', () => {
    const loose = readdirSync(testDir).filter((name) => name.endsWith('.test.ts'));
    expect(loose).to.deep.equal([]);
  });
});
