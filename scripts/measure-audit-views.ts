// npx tsx scripts/measure-audit-views.ts [--entries 20000] [--data-dir data] — a quick measurement, not a test: a throw-away embedded
// database with N audit entries spread over five years (60 firms with rounds, 180 investor organisations), then the
// time of the old flat-log queries (what the firm page, the investor page and the audit log ran before the views) and of
// the reads the pages make now. Prints one line per measurement (median of 5).
import mongoose, { Types } from 'mongoose';
import os from 'node:os';
import path from 'node:path';
import { startDatabase } from '../server/db/provider.js';
import { connectDb } from '../server/db/connection.js';
import { projectRoot } from '../server/lib/paths.js';
import { AuditEntryModel } from '../models/audit-entry.model.js';
import '../models/index.js';
import { appendAuditEntries, historyOf, historyOfFirm, rebuildAuditViews, recordAudit } from '../server/audit/index.js';
import { browseAudit, recordHistory } from '../server/audit/audit-query.service.js';
import { option, textOption } from './lib/cli.js';

const N = option('entries', 20_000);
// --data-dir: where tools/ferretdb is (another FerretDB build, e.g. one with a patch to compare).
const dataDir = textOption('data-dir', path.join(projectRoot, 'data'));

async function median(label: string, run: () => Promise<unknown>, times = 5) {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const s = performance.now();
    await run();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${ms[Math.floor(times / 2)]!.toFixed(1).padStart(8)} ms`);
}

const db = await startDatabase({
  dataDir,
  dbName: 'measure_audit',
  ephemeral: true,
  log: () => {},
});
try {
  await connectDb(db.uri);
  console.log(`${db.description}; ${os.cpus().length} cores; load ${os.loadavg()[0]!.toFixed(1)}; ${N} entries`);
  const firms = Array.from({ length: 60 }, () => new Types.ObjectId());
  const rounds = firms.flatMap((f) => Array.from({ length: 5 }, () => ({ id: new Types.ObjectId(), firm: f })));
  const investors = Array.from({ length: 180 }, () => new Types.ObjectId());
  const start = Date.now() - 5 * 365 * 86_400_000;
  let seed = 42;
  const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  const entries = Array.from({ length: N }, (_, i) => {
    const at = new Date(start + Math.floor((i / N) * 5 * 365 * 86_400_000) + rand(3_600_000));
    const kind = rand(10);
    const actor = { id: String(firms[0]), email: `staff${rand(5)}@example.org` };
    const changes = [{ field: 'headcount', before: rand(50), after: rand(50) }];
    if (kind < 4)
      return {
        at,
        actor,
        entity: 'firm' as const,
        entityId: firms[rand(60)]!,
        action: 'update' as const,
        changes,
        entityLabel: 'Firm',
      };
    if (kind < 7) {
      const r = rounds[rand(rounds.length)]!;
      return { at, actor, entity: 'round' as const, entityId: r.id, firm: r.firm, action: 'update' as const, changes };
    }
    return {
      at,
      actor,
      entity: 'investor' as const,
      entityId: investors[rand(180)]!,
      action: 'update' as const,
      changes,
    };
  });
  let s = performance.now();
  await appendAuditEntries(entries);
  console.log(`${'appendAuditEntries (flat + views)'.padEnd(58)} ${(performance.now() - s).toFixed(0).padStart(8)} ms`);

  const firm = String(firms[7]);
  const raw = mongoose.connection.db!;
  await median('one bucket by _id (driver)', () =>
    raw.collection<{ _id: string }>('auditbuckets').findOne({ _id: `sub:${firm}:x` }),
  );
  await median('one flat entry by _id (driver)', () =>
    AuditEntryModel.collection.findOne({ _id: new Types.ObjectId() }),
  );
  const investor = String(investors[11]);
  console.log('-- before: the flat log filtered per request');
  await median('firm page history ($or firm/entityId, newest 100)', () =>
    AuditEntryModel.find({ $or: [{ firm }, { entityId: firm }] })
      .sort({ at: -1 })
      .limit(100)
      .lean(),
  );
  await median('investor page history (entityId, newest 50)', () =>
    AuditEntryModel.find({ entityId: investor }).sort({ at: -1 }).limit(50).lean(),
  );
  await median('audit log first page (newest 51)', () =>
    AuditEntryModel.find({}).sort({ at: -1, _id: -1 }).limit(51).lean(),
  );
  console.log('-- after: documents by _id');
  await median('firm page history (timeline)', () => historyOfFirm(firm));
  await median('investor page history (timeline)', () => historyOf(investor));
  const first = await browseAudit({});
  await median('audit log first page (day buckets)', () => browseAudit({}));
  await median('audit log next page', () => browseAudit({ after: first.next }));
  const deep = await browseAudit({ to: new Date(start + 400 * 86_400_000).toISOString().slice(0, 10) });
  await median('audit log a page four years back (to=…)', () => browseAudit({ after: deep.next }));
  await median('audit log filtered by actor (≤ 31 days read)', () => browseAudit({ actor: 'staff3@example.org' }));
  await median('audit log filtered by record (its month buckets)', () => browseAudit({ entityId: firm }));
  await median('firm "all history" first page', () => recordHistory(firm, {}, { ownOnly: false }));
  console.log('-- writes');
  await median('recordAudit (flat + day + timeline + month)', () =>
    recordAudit({ actor: null, entity: 'round', entityId: rounds[3]!.id, firm: rounds[3]!.firm, action: 'update' }),
  );
  s = performance.now();
  await rebuildAuditViews();
  console.log(`${'rebuildAuditViews'.padEnd(58)} ${(performance.now() - s).toFixed(0).padStart(8)} ms`);
} finally {
  await mongoose.disconnect();
  await db.stop();
}
