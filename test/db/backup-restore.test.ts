import { expect } from 'chai';
import { COMPUTED_COLLECTION } from '../../models/computed.model.js';
import mongoose from 'mongoose';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BSON, type Db } from 'mongodb';
import { seedIfEmpty } from '../../server/seed/seed.js';
import { applyImport, previewImport } from '../../server/imports/index.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { toFirmRecord } from '../../server/firms/firm-mapping.js';
import { backupDatabase, restoreDatabase, EXCLUDED_COLLECTIONS } from '../../server/backup/index.js';
import { EXACT_READ } from '../../server/backup/backup-archive.js';
import { makeFirm } from '../helpers/factories.js';
import { UserModel } from '../../models/user.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';

const { EJSON } = BSON;
// Enough to cross the backup's and the restore's batch boundaries: with the import's and the demo's, over 1,000 firms,
// two full chunks of the restore's 500 documents and a part one; the backup's cursor batches and 64 KB writes many
// times over.
const BULK_FIRMS = 700;
const IMPORT_ROWS = 300;
const SECTORS = ['payments', 'digital-assets', 'lending'];

type Snapshot = Record<string, { indexes: string[]; docs: string[] }>;

// Every data collection: its index definitions and its documents as canonical EJSON (exact BSON types), sorted by _id.
async function snapshot(db: Db): Promise<Snapshot> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !EXCLUDED_COLLECTIONS.includes(n))
    .sort();
  const out: Snapshot = {};
  for (const name of names) {
    const indexes = (await db.collection(name).listIndexes().toArray())
      .map(({ v: _v, ns: _ns, ...spec }) => JSON.stringify(spec))
      .sort();
    const docs = (await db.collection(name).find({}, EXACT_READ).toArray())
      .map((d) => [EJSON.stringify(d._id, { relaxed: false }), EJSON.stringify(d, { relaxed: false })] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, text]) => text);
    out[name] = { indexes, docs };
  }
  return out;
}

// Per collection and document, so a difference names its place instead of printing two huge arrays.
function expectSameData(actual: Snapshot, expected: Snapshot): void {
  const nonEmpty = (s: Snapshot) =>
    Object.entries(s)
      .filter(([, c]) => c.docs.length || c.indexes.length > 1)
      .map(([n]) => n);
  expect(nonEmpty(actual)).to.deep.equal(nonEmpty(expected));
  for (const name of nonEmpty(expected)) {
    const [a, e] = [actual[name]!, expected[name]!]; // the same names, checked above
    expect(a.indexes, `${name} indexes`).to.deep.equal(e.indexes);
    expect(a.docs.length, `${name} count`).to.equal(e.docs.length);
    e.docs.forEach((doc, i) => expect(a.docs[i], `${name} document ${i}`).to.equal(doc));
  }
}

async function documentCount(db: Db): Promise<number> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const counts = await Promise.all(names.map((n) => db.collection(n).countDocuments({})));
  return counts.reduce((a, b) => a + b, 0);
}

async function seedDemo() {
  await seedIfEmpty({ production: false, demoData: true });
  const staff = await UserModel.findOne({ email: 'staff@example.org' }).lean();
  return { id: String(staff!._id), email: staff!.email };
}

function firmsCsv(rows: number): string {
  const lines = ['nameKo,nameEn,brn,sectorPrimary,pitch,headcount,status'];
  for (let i = 0; i < rows; i += 1) {
    lines.push(
      `가져온기업${i},Imported Firm ${i},${brnWithCheckDigit(String(710_000_000 + i))},${SECTORS[i % 3]},"정산, 자동화 ${i}",${i % 50},${i % 2 ? 'resident' : 'applicant'}`,
    );
  }
  return lines.join('\r\n');
}

// Many firms at once, stored as the firm service stores them (derived fields included), without a write per firm.
async function insertBulkFirms(count: number): Promise<void> {
  const now = new Date();
  const firms = Array.from({ length: count }, (_, i) => {
    const fields = createFirmBody.parse({
      nameKo: `대량기업${i}`,
      nameEn: `Bulk Firm ${i}`,
      brn: brnWithCheckDigit(String(720_000_000 + i)),
      sectorPrimary: SECTORS[i % 3],
      pitch: `정산 자동화 ${i}`,
      headcount: String(i % 80),
      tags: 'bulk, test',
      founded: '2021-03-15',
    });
    const { status, _csrf, ...rest } = fields;
    return {
      ...toFirmRecord(rest),
      status,
      statusHistory: [{ status, on: '2026-01-05', at: now }],
      lastActivityAt: now,
    };
  });
  for (let i = 0; i < firms.length; i += 500) await FirmModel.insertMany(firms.slice(i, i + 500));
}

describe('backup and restore (npm run backup / npm run restore)', () => {
  const db = () => mongoose.connection.db!;
  let dir: string;
  const archive = (name = 'backup.ndjson.gz') => path.join(dir, name);

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tipstown-backup-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    // The round trip drops indexes; whatever happened, later test files get the models' indexes back.
    await Promise.all(Object.values(mongoose.connection.models).map((m) => m.createIndexes()));
  });

  it('when the demo data and a large import are backed up and restored into an empty database, then every document and index comes back the same', async function () {
    this.timeout(600_000);
    // Arrange: demo data, 700 firms at once, and a CSV import (firms, their audit entries, an import batch with its journal)
    const actor = await seedDemo();
    await insertBulkFirms(BULK_FIRMS);
    const preview = await previewImport(
      { kind: 'firms', filename: 'large.csv', bytes: Buffer.from(firmsCsv(IMPORT_ROWS)) },
      actor,
    );
    if (!('batchId' in preview)) throw new Error(`preview failed: ${preview.error.message}`);
    const applied = await applyImport(preview.batchId, actor);
    expect(applied, JSON.stringify(applied)).to.include({ outcome: 'applied' });
    const before = await snapshot(db());
    expect(before.firms?.docs.length).to.be.greaterThan(BULK_FIRMS + IMPORT_ROWS);

    // Act: back up, empty the database (documents and indexes, one collection dropped outright), restore
    const backup = await backupDatabase(db(), archive());
    for (const name of [...Object.keys(before), COMPUTED_COLLECTION]) {
      await db().collection(name).deleteMany({});
      await db().collection(name).dropIndexes();
    }
    await db()
      .collection('notes')
      .drop()
      .catch(() => undefined);
    expect(await documentCount(db())).to.equal(0);
    const restored = await restoreDatabase(db(), archive());

    // Assert
    expectSameData(await snapshot(db()), before);
    expect(restored.counts).to.deep.equal(backup.counts);
    expect(backup.documents).to.equal(Object.values(before).reduce((n, c) => n + c.docs.length, 0));
    console.log(
      `      backup round trip: ${backup.documents} documents; ` +
        `archive ${(backup.bytes / 1024).toFixed(0)} KiB; backup ${(backup.ms / 1000).toFixed(2)} s; restore ${(restored.ms / 1000).toFixed(2)} s`,
    );
  });

  it('when the database is not empty, then restore refuses without --force and replaces its contents with it', async function () {
    this.timeout(120_000);
    // Arrange
    await seedDemo();
    const before = await snapshot(db());
    await backupDatabase(db(), archive('demo.ndjson.gz'));
    await makeFirm({ nameEn: 'Added After Backup' });

    // Act + Assert: refused, nothing changed
    let refused: Error | undefined;
    await restoreDatabase(db(), archive('demo.ndjson.gz')).catch((err: Error) => (refused = err));
    expect(refused?.message).to.match(/not empty .*firms.*--force/);
    expect(await FirmModel.countDocuments({ nameEn: 'Added After Backup' })).to.equal(1);

    // Act + Assert: with force, the database is what the archive holds
    await restoreDatabase(db(), archive('demo.ndjson.gz'), { force: true });
    expectSameData(await snapshot(db()), before);
  });

  it('when the archive is cut short, then restore refuses it with a clear message and the database stays empty', async function () {
    this.timeout(120_000);
    // Arrange: a backup cut in the middle of its gzip stream, and one cut at a line boundary (valid gzip, no manifest)
    await seedDemo();
    await backupDatabase(db(), archive('whole.ndjson.gz'));
    const bytes = readFileSync(archive('whole.ndjson.gz'));
    writeFileSync(archive('cut.ndjson.gz'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
    writeFileSync(archive('no-manifest.ndjson.gz'), gzipSync(`${lines.slice(0, -1).join('\n')}\n`));
    // One user's line taken out: the gzip is whole, the manifest still counts four users.
    writeFileSync(
      archive('short-count.ndjson.gz'),
      gzipSync(`${lines.filter((l) => !(l.startsWith('{"doc"') && l.includes('"admin@example.org"'))).join('\n')}\n`),
    );
    for (const name of await db().listCollections({}, { nameOnly: true }).toArray())
      await db().collection(name.name).deleteMany({});

    // Act + Assert
    for (const [file, reason] of [
      ['cut.ndjson.gz', /gzip: unexpected end of file/],
      ['no-manifest.ndjson.gz', /no manifest/],
      ['short-count.ndjson.gz', /counts differ from the manifest \(users: 3 read, 4 in the manifest\)/],
    ] as const) {
      let refused: Error | undefined;
      await restoreDatabase(db(), archive(file)).catch((err: Error) => (refused = err));
      expect(refused?.message, file)
        .to.match(/is not a complete TIPS Town backup/)
        .and.to.match(reason)
        .and.to.match(/nothing was restored/);
      expect(await documentCount(db()), file).to.equal(0);
    }
  });

  it('when a CSV import is being applied, then the backup refuses to start and writes no file', async () => {
    // Arrange
    const actor = await seedDemo();
    await ImportBatchModel.create({ kind: 'firms', filename: 'f.csv', by: actor.id, status: 'applying' });

    // Act
    let refused: Error | undefined;
    await backupDatabase(db(), archive('during-import.ndjson.gz')).catch((err: Error) => (refused = err));

    // Assert
    expect(refused?.message).to.match(/import is being applied or undone/);
    expect(existsSync(archive('during-import.ndjson.gz'))).to.equal(false);
    expect(existsSync(archive('during-import.ndjson.gz.partial'))).to.equal(false);
  });
});
