// npx tsx scripts/measure-import.ts [--base 600] [--rows 1000,5000] [--kind firms|rounds|investors] [--data-dir data] — a
// measurement, not a test: a throw-away embedded database with --base firms (inserted in bulk, with a rich audit log of
// their creation) and as many investor organisations, then for each size a generated CSV is previewed and applied
// through the import service: startups (half new firms, half updates of stored firms by registration number), or
// rounds (new closed rounds of stored firms, each with two participants named), or investor organisations (half new,
// half updates of stored ones by name). Prints the preview and apply times and
// the rows per second.
import mongoose, { Types } from 'mongoose';
import os from 'node:os';
import path from 'node:path';
import { startDatabase } from '../server/db/provider.js';
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

let serial = 0;
const brn = () => brnWithCheckDigit(String(100_000_000 + ++serial * 7919).slice(-9));

const db = await startDatabase({ dataDir, dbName: 'measure_import', ephemeral: true, log: () => {} });
try {
  await mongoose.connect(db.uri);
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
    t = performance.now();
    const result = await applyImport(preview.batchId, actor);
    // A background apply answers at once: wait for the batch to leave 'applying'.
    let batch = await getBatch(preview.batchId);
    while (batch.status === 'applying') {
      await new Promise((r) => setTimeout(r, 200));
      batch = await getBatch(preview.batchId);
    }
    const applyMs = performance.now() - t;
    const counts = before.counts ?? { create: 0, update: 0, error: 0 };
    const written = counts.create + counts.update;
    console.log(
      `${String(size).padStart(5)} rows (${counts.create} new, ${counts.update} updates, ${counts.error} errors): ` +
        `preview ${(previewMs / 1000).toFixed(1)} s, apply ${(applyMs / 1000).toFixed(1)} s → ${batch.status} ` +
        `(${result.outcome}), ${(written / (applyMs / 1000)).toFixed(1)} rows/s; firms now ${await FirmModel.countDocuments()}, ` +
        `rounds ${await FundingRoundModel.countDocuments()}`,
    );
  }
} finally {
  await mongoose.disconnect();
  await db.stop();
}
