// npx tsx scripts/measure-import.ts [--base 600] [--rows 1000,5000] [--kind firms|rounds|investors] [--commands]
// [--durable] [--data-dir data] — a measurement, not a test: a throw-away embedded database with --base firms (inserted
// in bulk, with a rich audit log of their creation) and as many investor organisations, then for each size a generated
// CSV is previewed and applied through the import service: startups (half new firms, half updates of stored firms by
// registration number), or rounds (new closed rounds of stored firms, each with two participants named), or investor
// organisations (half new, half updates of stored ones by name). Prints the preview and apply times and the rows per
// second, with the time a fixed piece of work took just before (the host's speed then); with --commands, the apply's
// database commands by name and collection (count and milliseconds).
import mongoose, { Types } from 'mongoose';
import os from 'node:os';
import path from 'node:path';
import { startDatabase } from '../server/db/provider.js';
import { connectDb } from '../server/db/connection.js';
import { withCommandMonitoring } from '../server/db/db-timing.js';
import { projectRoot } from '../server/lib/paths.js';
import '../models/index.js';
import { FirmModel } from '../models/firm.model.js';
import { FundingRoundModel } from '../models/funding-round.model.js';
import { InvestorOrgModel } from '../models/investor-org.model.js';
import { sortKeyIn } from '../server/lib/names.js';
import { appendAuditEntries } from '../server/audit/index.js';
import { brnWithCheckDigit, derivedFirmFields } from '../server/firms/index.js';
import { applyImport, getBatch, previewImport } from '../server/imports/imports.service.js';
import { option, textOption } from './lib/cli.js';

const BASE = option('base', 600);
const SIZES = textOption('rows', '1000,5000').split(',').map(Number);
const KINDS = ['firms', 'rounds', 'investors'] as const;
const KIND = KINDS.find((k) => k === textOption('kind', 'firms')) ?? 'firms';
const dataDir = textOption('data-dir', path.join(projectRoot, 'data'));
const COMMANDS = process.argv.includes('--commands');
// --durable: the store as the app keeps it (synced to disk on each commit), in --data-dir, emptied first; by default a
// throw-away store as the tests use (not synced).
const DURABLE = process.argv.includes('--durable');

// This host's speed moves within minutes (other machines' load on the same hardware): a fixed piece of work, timed
// just before each apply, says how fast it was then (the same code's apply took 26 s and 55 s within an hour).
function referenceMs(): number {
  const rows = Array.from({ length: 100_000 }, (_, i) => ({
    line: i,
    nameKo: `기업${i}`,
    brn: String(i * 7919),
    n: i / 7,
  }));
  const t = performance.now();
  for (let i = 0; i < 3; i++) JSON.parse(JSON.stringify(rows));
  return performance.now() - t;
}

// The time during which at least one of the spans was running.
function wallOf(spans: readonly [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

let serial = 0;
const brn = () => brnWithCheckDigit(String(100_000_000 + ++serial * 7919).slice(-9));

const db = await startDatabase({ dataDir, dbName: 'measure_import', ephemeral: !DURABLE, log: () => {} });
try {
  await connectDb(COMMANDS ? withCommandMonitoring(db.uri) : db.uri);
  if (DURABLE) {
    await mongoose.connection.db!.dropDatabase();
    for (const model of Object.values(mongoose.connection.models)) await model.createIndexes();
  }
  // Per command name: how many, their summed durations, and the wall time during which at least one was running.
  const commandTimes = new Map<string, { n: number; ms: number; spans: [number, number][] }>();
  const started = new Map<number, { name: string; at: number }>();
  const cursorShapes = new Map<string, string>();
  if (COMMANDS) {
    const client = mongoose.connection.getClient();
    client.on('commandStarted', (e) => {
      const command = e.command as Record<string, unknown>;
      const target = e.commandName === 'getMore' ? command.collection : command[e.commandName];
      // A find or getMore is named by its filter's fields too: the getMores of one cursor by its find's.
      const shape =
        e.commandName === 'find'
          ? ` ${Object.keys((command.filter as object | undefined) ?? {}).join(',')}`
          : e.commandName === 'getMore'
            ? (cursorShapes.get((command.getMore as { toString(): string }).toString()) ?? '')
            : '';
      const name = `${e.commandName} ${typeof target === 'string' ? target : ''}${shape}`.trim();
      started.set(e.requestId, { name, at: performance.now() });
    });
    const done = (e: { requestId: number; duration: number; reply?: unknown }) => {
      const start = started.get(e.requestId);
      // (A cursor id is a BSON Long.)
      const cursor = (e.reply as { cursor?: { id?: { toString(): string } } } | undefined)?.cursor?.id?.toString();
      const filterFields = start?.name.split(' ').slice(2).join(' ');
      if (start?.name.startsWith('find ') && cursor && cursor !== '0')
        cursorShapes.set(cursor, filterFields ? ` ${filterFields}` : '');
      if (!start) return;
      started.delete(e.requestId);
      const t = commandTimes.get(start.name) ?? { n: 0, ms: 0, spans: [] };
      t.n += 1;
      t.ms += e.duration;
      t.spans.push([start.at, performance.now()]);
      commandTimes.set(start.name, t);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }
  console.log(`${db.description}; ${os.cpus().length} cores; load ${os.loadavg()[0]!.toFixed(1)}`);
  const actor = { id: String(new Types.ObjectId()), email: 'staff@example.org' };
  const now = new Date();
  const base = Array.from({ length: BASE }, (_, i) => {
    const names = { nameKo: `기존기업${i}`, nameEn: `Stored Firm ${i}` };
    return {
      ...names,
      ...derivedFirmFields({ ...names, tips: {} }),
      brn: brn(),
      sectorPrimary: 'payments',
      status: 'resident',
      statusHistory: [{ status: 'applicant', on: '2024-01-02', at: now }],
      lastActivityAt: now,
    };
  });
  const stored = await FirmModel.insertMany(base);
  await appendAuditEntries(
    stored.flatMap((f) =>
      Array.from({ length: 30 }, () => ({
        actor,
        entity: 'firm' as const,
        entityId: f._id,
        firm: f._id,
        action: 'update' as const,
        changes: [{ field: 'headcount', before: 1, after: 2 }],
      })),
    ),
  );
  await InvestorOrgModel.insertMany(
    Array.from({ length: BASE }, (_, i) => {
      const name = `Investor ${i}`;
      return { nameKo: `투자사${i}`, nameEn: name, nameKey: sortKeyIn({ nameEn: name }, 'en'), type: 'vc' };
    }),
  );
  console.log(`seeded ${BASE} firms, ${BASE * 30} audit entries, ${BASE} investor organisations`);
  let round = 0;
  for (const size of SIZES) {
    round += 1;
    const lines = [
      {
        firms: 'nameKo,nameEn,brn,sectorPrimary,headcount,status',
        rounds: 'firmBrn,stage,instrument,status,amountKrw,closedOn,participants',
        investors: 'nameKo,nameEn,type,bifcBased,thesisSectors,ticketMinKrw',
      }[KIND],
    ];
    for (let i = 0; i < size; i++) {
      if (KIND === 'investors') {
        // Every other row updates a stored organisation (each at most once), the rest are new.
        const stored = i % 2 === 1 && i < 2 * BASE ? (i - 1) / 2 : undefined;
        if (stored !== undefined) lines.push(`투자사${stored},Investor ${stored},cvc,yes,payments,${round}00000000`);
        else lines.push(`신규투자사${round}-${i},New Investor ${round}-${i},vc,no,lending,100000000`);
        continue;
      }
      if (KIND === 'rounds') {
        // A closed round of a stored firm on a day of its own, with two named participants.
        const firm = base[i % BASE]!;
        const day = new Date(Date.UTC(2020, 0, 1) + (i * 7 + round) * 86_400_000).toISOString().slice(0, 10);
        const [a, b] = [i % BASE, (i * 7 + 1) % BASE];
        lines.push(`${firm.brn},seed,rcps,closed,1000000000,${day},Investor ${a}:600000000; Investor ${b}:400000000`);
        continue;
      }
      // Every other row updates a stored firm (each at most once), the rest are new firms.
      const existing = i % 2 === 1 && i < 2 * BASE ? base[(i - 1) / 2] : undefined;
      if (existing) lines.push(`${existing.nameKo},${existing.nameEn},${existing.brn},payments,${10 + round},resident`);
      else lines.push(`신규${round}-${i},New ${round}-${i},${brn()},payments,5,applicant`);
    }
    const bytes = new TextEncoder().encode(lines.join('\n'));
    let t = performance.now();
    const preview = await previewImport({ kind: KIND, filename: `bench-${size}.csv`, bytes }, actor);
    const previewMs = performance.now() - t;
    if (!('batchId' in preview)) throw new Error(JSON.stringify(preview));
    const before = await getBatch(preview.batchId);
    const reference = referenceMs();
    commandTimes.clear();
    t = performance.now();
    // The service's apply returns at its end (the page runs a large one in the background and shows its progress).
    const result = await applyImport(preview.batchId, actor);
    const applyMs = performance.now() - t;
    const applyCommands = new Map(commandTimes);
    const batch = await getBatch(preview.batchId);
    const counts = before.counts ?? { create: 0, update: 0, error: 0 };
    const written = counts.create + counts.update;
    console.log(
      `${String(size).padStart(5)} rows (${counts.create} new, ${counts.update} updates, ${counts.error} errors): ` +
        `preview ${(previewMs / 1000).toFixed(1)} s, apply ${(applyMs / 1000).toFixed(1)} s → ${batch.status} ` +
        `(${result.outcome}), ${(written / (applyMs / 1000)).toFixed(1)} rows/s (host reference ${reference.toFixed(0)} ms); ` +
        `firms now ${await FirmModel.countDocuments()}, ` +
        `rounds ${await FundingRoundModel.countDocuments()}`,
    );
    if (COMMANDS) {
      const all = [...applyCommands.values()].flatMap((t) => t.spans);
      console.log(
        `  any command running: ${(wallOf(all) / 1000).toFixed(1)} s of the apply's ${(applyMs / 1000).toFixed(1)} s`,
      );
      const slowest = [...applyCommands].sort((a, b) => wallOf(b[1].spans) - wallOf(a[1].spans)).slice(0, 15);
      for (const [name, { n, ms, spans }] of slowest)
        console.log(
          `  ${name.padEnd(32)} ${String(n).padStart(6)} × ${(ms / n).toFixed(1).padStart(7)} ms; wall ${(wallOf(spans) / 1000).toFixed(1)} s`,
        );
    }
  }
} finally {
  await mongoose.disconnect();
  await db.stop();
}
