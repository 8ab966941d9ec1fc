// npx tsx --expose-gc scripts/measure-export.ts [--sizes 600,10000] [--data-dir data] — a measurement, not a test: a
// throw-away embedded database is filled with firms up to each size (in bulk, each with five status changes, a pitch
// and tags), then the firm CSV export (Korean labels, the list's default order) is streamed to nowhere in this process,
// twice, as the app sends it: written afresh (and kept), then kept. Its resident memory is sampled meanwhile. Prints per
// size the bytes, the seconds of each, the peak RSS above the RSS before the export (after a garbage collection), and
// the most heap it held (measured after a collection twice a second): a streamed export's peak must not grow with the
// number of firms.
import mongoose from 'mongoose';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startDatabase } from '../server/db/provider.js';
import { connectDb } from '../server/db/connection.js';
import { projectRoot } from '../server/lib/paths.js';
import '../models/index.js';
import { FirmModel } from '../models/firm.model.js';
import { invalidateComputed } from '../models/computed.model.js';
import { brnWithCheckDigit, derivedFirmFields } from '../server/firms/index.js';
import { firmExportFile } from '../server/exports/exports.service.js';
import { firmExportQuery } from '../server/exports/exports.schemas.js';
import { textOption } from './lib/cli.js';

const SIZES = textOption('sizes', '600,10000').split(',').map(Number);
const dataDir = textOption('data-dir', path.join(projectRoot, 'data'));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with: npx tsx --expose-gc scripts/measure-export.ts');

const STATUSES = ['applicant', 'screening', 'admitted', 'resident', 'graduated'] as const;
const firmDoc = (i: number, now: Date) => {
  const names = { nameKo: `측정기업${i}`, nameEn: `Measured Firm ${i}` };
  const pitch = `Payments infrastructure for small merchants in Busan, firm ${i}: settlement, escrow and reporting.`;
  const { 'tips.status': tipsStatus, ...derived } = derivedFirmFields({
    ...names,
    pitch,
    tags: ['b2b', 'sme'],
    tips: {},
  });
  return {
    ...names,
    ...derived,
    tips: { status: tipsStatus },
    archived: false,
    brn: brnWithCheckDigit(String(100_000_000 + i * 7919).slice(-9)),
    sectorPrimary: 'payments',
    pitch,
    tags: ['b2b', 'sme'],
    status: 'graduated',
    statusHistory: STATUSES.map((status, k) => ({ status, on: `202${k}-03-0${k + 1}`, at: now })),
    lastActivityAt: now,
  };
};

const db = await startDatabase({ dataDir, dbName: 'measure_export', ephemeral: true, log: () => {} });
try {
  await connectDb(db.uri);
  console.log(`${db.description}; ${os.cpus().length} cores; load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(
    'firms'.padStart(8),
    'bytes'.padStart(12),
    'afresh s'.padStart(9),
    'kept s'.padStart(9),
    'RSS before MB'.padStart(14),
    'peak above MB'.padStart(14),
    'held MB'.padStart(14),
  );
  let stored = 0;
  const now = new Date();
  const mode = { format: 'labels' as const, lang: 'ko' as const };
  for (const size of SIZES) {
    for (; stored < size; stored += 1000) {
      const chunk = Array.from({ length: Math.min(1000, size - stored) }, (_, k) => firmDoc(stored + k, now));
      await FirmModel.collection.insertMany(chunk);
    }
    stored = size;
    // (Written past the models: the kept export is marked stale here, as the app's writes mark it.)
    await invalidateComputed('firmActivity');
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    // What the export holds on to (not garbage awaiting collection): the heap after a collection, twice a second.
    const heapBefore = process.memoryUsage().heapUsed;
    let heldPeak = 0;
    const holder = setInterval(() => {
      gc();
      heldPeak = Math.max(heldPeak, process.memoryUsage().heapUsed - heapBefore);
    }, 500);
    let bytes = 0;
    const sink = () =>
      new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done();
        },
      });
    const seconds: number[] = [];
    for (const _ of ['afresh', 'kept']) {
      const t0 = performance.now();
      bytes = 0;
      await pipeline(firmExportFile(firmExportQuery.parse({}), 'ko', mode), sink());
      seconds.push((performance.now() - t0) / 1000);
    }
    clearInterval(sampler);
    clearInterval(holder);
    console.log(
      String(size).padStart(8),
      String(bytes).padStart(12),
      seconds[0]!.toFixed(1).padStart(9),
      seconds[1]!.toFixed(2).padStart(9),
      (before / 2 ** 20).toFixed(0).padStart(14),
      ((peak - before) / 2 ** 20).toFixed(1).padStart(14),
      (heldPeak / 2 ** 20).toFixed(1).padStart(14),
    );
  }
} finally {
  await mongoose.disconnect();
  await db.stop();
}
