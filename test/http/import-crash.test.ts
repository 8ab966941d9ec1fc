import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { useTestApp, csrfFrom, loginAs, type Agent } from '../helpers/app.js';
import { nextBrn } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { ImportBatchModel, ImportLeaseModel } from '../../models/import-batch.model.js';
import { leaseKey } from '../../server/imports/import-lease.service.js';
import { createFirm } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { projectRoot } from '../../server/lib/paths.js';
import { currentDatabaseUri } from '../helpers/root-hooks.js';
import {
  applyImport,
  drainImportApplies,
  previewImport,
  recoverInterruptedImports,
  startImportLeaseWatcher,
  type ApplyResult,
} from '../../server/imports/index.js';

type Actor = { id: string; email: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const makeFirm = (over: Record<string, string>) =>
  createFirm(createFirmBody.parse({ sectorPrimary: 'payments', ...over }), null);

// A firms CSV of `rows` rows: every `updateEvery`-th row changes the pitch of an existing firm, the others are new firms.
async function firmsFile(rows: number, updateEvery = 0) {
  const existing: string[] = [];
  const lines = ['nameKo,nameEn,brn,sectorPrimary,pitch'];
  for (let i = 1; i <= rows; i += 1) {
    const brn = nextBrn();
    if (updateEvery && i % updateEvery === 0) {
      const firm = await makeFirm({ nameKo: `기존기업${i}`, nameEn: `Existing ${i}`, brn, pitch: 'stored pitch' });
      existing.push(String(firm._id));
      lines.push(`기존기업${i},Existing ${i},${brn},payments,imported pitch`);
    } else {
      lines.push(`새기업${i},New Firm ${i},${brn},data-ai,`);
    }
  }
  return { csv: Buffer.from(lines.join('\r\n')), existing };
}

async function previewed(csv: Buffer, actor: Actor): Promise<string> {
  const result = await previewImport({ kind: 'firms', filename: 'crash.csv', bytes: csv }, actor);
  if (!('batchId' in result)) throw new Error(`preview failed: ${JSON.stringify(result.error)}`);
  return result.batchId;
}

// The database the root hook connected this process to, for the child process.
function testDbUri(): string {
  return (
    currentDatabaseUri() ??
    `mongodb://${mongoose.connection.host}:${mongoose.connection.port}/${mongoose.connection.name}`
  );
}

// The batch as an instance that crashed while applying it leaves it: applying, under a lease that has lapsed.
async function leaveAsCrashed(batchId: string) {
  const claims = (await ImportBatchModel.findById(batchId).lean())!.claims ?? 0;
  await ImportBatchModel.updateOne(
    { _id: batchId },
    { $set: { status: 'applying', leaseOwner: 'crashed', claims: claims + 1 } },
  );
  await ImportLeaseModel.create({
    _id: leaseKey(batchId, claims),
    batch: batchId,
    owner: 'crashed',
    until: new Date(Date.now() - 1000),
  });
}

const batchIdOf = (html: string) => /action="\/firms\/import\/([0-9a-f]{24})\/apply"/.exec(html)?.[1];

async function inEnglish(agent: Agent): Promise<Agent> {
  const token = csrfFrom((await agent.get('/')).text);
  await agent.post('/lang').type('form').send({ _csrf: token, lang: 'en', next: '/' });
  return agent;
}

// Every firm the audit log says the import created is also said to be deleted (it is not in the database any more).
async function expectAuditConsistent(batchId: string) {
  const importId = new Types.ObjectId(batchId);
  const entries = await AuditEntryModel.find({ importId, entity: 'firm' }, { entityId: 1, action: 1 }).lean();
  const deleted = new Set(entries.filter((e) => e.action === 'delete').map((e) => String(e.entityId)));
  const created = entries.filter((e) => e.action === 'create').map((e) => String(e.entityId));
  expect(created.filter((id) => !deleted.has(id))).to.deep.equal([]);
}

describe('CSV import interrupted midway', () => {
  const t = useTestApp();
  const actorOf = (a: { userId: string; email: string }): Actor => ({ id: a.userId, email: a.email });

  it('when the process applying a large file is killed (kill -9), then the next start undoes it within a minute and the batch then applies cleanly', async function () {
    this.timeout(240_000);
    // Arrange: 600 rows, 12 of them updating existing firms, spread through the file. The apply writes 250 rows at a
    // time (server/imports): the child is killed after its first chunk with two more to come. And the file is above the
    // 300 rows the page applies in the background.
    const [rows, updates] = [600, 12];
    const creates = rows - updates;
    const staff = await loginAs(t.app, 'staff');
    const { csv, existing } = await firmsFile(rows, rows / updates);
    const batchId = await previewed(csv, actorOf(staff));
    const storedBefore = await FirmModel.find({}).sort({ _id: 1 }).lean();
    const firmsBefore = storedBefore.length;
    expect(firmsBefore).to.equal(updates);

    // Act: a child process applies it and is killed while it writes.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'fixtures', 'apply-import-child.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        IMPORT_CHILD_DB_URI: testDbUri(),
        IMPORT_CHILD_BATCH: batchId,
        IMPORT_CHILD_ACTOR: JSON.stringify(actorOf(staff)),
        // Long enough that a renewal held up behind a large write on a loaded machine does not end the apply before
        // the kill (it stops writing once a third of the lease has passed unrenewed); recovery waits for it to lapse.
        IMPORT_CHILD_LEASE_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor(
        'the child to write 150 firms',
        async () => {
          if (child.exitCode !== null) throw new Error(`the child ended before it was killed:\n${output}`);
          return (await FirmModel.countDocuments({})) >= firmsBefore + 150;
        },
        120_000,
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Half the import is live: new firms, and existing ones already updated.
    const halfway = await FirmModel.countDocuments({});
    expect(halfway).to.be.at.least(firmsBefore + 150);
    expect(halfway).to.be.below(firmsBefore + creates);
    expect(await FirmModel.countDocuments({ pitch: 'imported pitch' })).to.be.above(0);
    expect((await ImportBatchModel.findById(batchId).lean())!.status).to.equal('applying');

    // The next start: recovery leaves the batch while the dead process's lease runs, and undoes it once it lapses.
    const started = Date.now();
    await waitFor('recovery to undo the batch', async () => (await recoverInterruptedImports()) === 1, 60_000, 250);
    expect(Date.now() - started).to.be.below(60_000);

    // Assert: the firms are as before, field for field; the audit log names no created firm as still there.
    expect(await FirmModel.find({}).sort({ _id: 1 }).lean()).to.deep.equal(storedBefore);
    const batch = await ImportBatchModel.findById(batchId).lean();
    expect(batch).to.deep.include({ status: 'interrupted', undoComplete: true });
    await expectAuditConsistent(batchId);
    const page = await staff.get(`/firms/import/${batchId}`);
    expect(page.text).to.include('가져오기가 중단되어 되돌렸습니다. 다시 적용하세요.');
    expect(batchIdOf(page.text)).to.equal(batchId);

    // Applying again, as staff through the page, writes every row.
    const res = await staff
      .post(`/firms/import/${batchId}/apply`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(303);
    // A file this large is applied in the background: its page reloads itself until the batch is applied.
    await waitFor(
      'the apply to finish',
      async () => (await ImportBatchModel.findById(batchId).lean())!.status !== 'applying',
      120_000,
      250,
    );
    const applied = await ImportBatchModel.findById(batchId).lean();
    expect(applied).to.deep.include({ status: 'applied' });
    expect(applied!.counts).to.deep.include({ create: creates, update: updates, error: 0 });
    expect(await FirmModel.countDocuments({})).to.equal(firmsBefore + creates);
    expect(await FirmModel.countDocuments({ _id: { $in: existing }, pitch: 'imported pitch' })).to.equal(updates);
    expect((await staff.get(`/firms/import/${batchId}`)).text).to.include('가져오기 완료');
  });

  it('when a batch lost its process while the app runs, then the periodic check undoes it and the page says to apply again', async () => {
    // Arrange: what a crashed instance leaves: the batch applying under a lapsed lease, one firm of it written.
    const staff = await loginAs(t.app, 'staff');
    const { csv } = await firmsFile(3);
    const batchId = await previewed(csv, actorOf(staff));
    await leaveAsCrashed(batchId);
    await createFirm(createFirmBody.parse({ nameKo: '새기업1', sectorPrimary: 'data-ai' }), actorOf(staff), {
      importId: new Types.ObjectId(batchId),
    });

    // Act
    const stop = startImportLeaseWatcher({ everyMs: 100 });
    try {
      await waitFor(
        'the watcher to undo the batch',
        async () => (await ImportBatchModel.findById(batchId).lean())!.status === 'interrupted',
        10_000,
      );
    } finally {
      stop();
    }

    // Assert
    expect(await FirmModel.countDocuments({})).to.equal(0);
    await expectAuditConsistent(batchId);
    const page = await (await inEnglish(staff)).get(`/firms/import/${batchId}`);
    expect(page.text).to.include('This import was interrupted and undone: apply again.');
    expect(batchIdOf(page.text)).to.equal(batchId);
    // Stopped, it checks no more.
    await leaveAsCrashed(batchId);
    await sleep(300);
    expect((await ImportBatchModel.findById(batchId).lean())!.status).to.equal('applying');
  });

  it('when recovery runs while an apply holds a live lease, then that apply is left to finish and only the batch whose lease lapsed is undone', async function () {
    this.timeout(30_000);
    const staff = await loginAs(t.app, 'staff');
    const lapsed = await previewed((await firmsFile(2)).csv, actorOf(staff));
    await ImportBatchModel.updateOne({ _id: lapsed }, { $set: { status: 'applying' } }); // no lease at all: an older version's
    const live = await previewed((await firmsFile(4)).csv, actorOf(staff));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let paused!: () => void;
    const atSecondWrite = new Promise<void>((resolve) => (paused = resolve));
    const applying = applyImport(live, actorOf(staff), {
      lease: { leaseMs: 600, renewEveryMs: 100 },
      beforeWrite: async (i) => {
        if (i !== 1) return;
        paused();
        await gate;
      },
    });
    await atSecondWrite;
    // Well past the lease the apply took: only its renewals keep it.
    await sleep(1500);

    expect(await recoverInterruptedImports()).to.equal(1);

    expect((await ImportBatchModel.findById(lapsed).lean())!.status).to.equal('interrupted');
    expect((await ImportBatchModel.findById(live).lean())!.status).to.equal('applying');
    expect(await FirmModel.countDocuments({ importId: new Types.ObjectId(live) })).to.equal(1);
    release();
    expect(await applying).to.deep.include({ outcome: 'applied' });
    expect(await FirmModel.countDocuments({ importId: new Types.ObjectId(live) })).to.equal(4);
  });

  describe('a graceful shutdown', () => {
    it('when an apply overruns the time the shutdown gives it, then it is stopped, undone and can be applied again', async () => {
      const staff = await loginAs(t.app, 'staff');
      const kept = await makeFirm({ nameKo: '기존기업', brn: nextBrn() });
      const batchId = await previewed((await firmsFile(60)).csv, actorOf(staff));
      const applying = applyImport(batchId, actorOf(staff), { beforeWrite: () => sleep(40) });
      await waitFor('a few firms', async () => (await FirmModel.countDocuments({})) >= 6, 10_000, 20);

      await drainImportApplies(200);

      // The apply has ended, undone, before the drain returned.
      const result = await Promise.race([applying, Promise.resolve('still running' as const)]);
      expect(result).to.deep.equal({ outcome: 'interrupted' } satisfies ApplyResult);
      expect((await FirmModel.find({}).lean()).map((f) => String(f._id))).to.deep.equal([String(kept._id)]);
      expect(await ImportBatchModel.findById(batchId).lean()).to.deep.include({
        status: 'interrupted',
        undoComplete: true,
      });
      await expectAuditConsistent(batchId);
      const audit = await AuditEntryModel.findOne({ importId: new Types.ObjectId(batchId), entity: 'import' }).lean();
      expect(audit!.changes).to.deep.include({ field: 'status', before: 'previewed', after: 'interrupted' });

      expect(await applyImport(batchId, actorOf(staff))).to.deep.include({ outcome: 'applied' });
      expect(await FirmModel.countDocuments({})).to.equal(61);
    });

    it('when the applies finish within the time, then the drain waits for them, and refuses new ones meanwhile', async () => {
      const staff = await loginAs(t.app, 'staff');
      const first = await previewed((await firmsFile(5)).csv, actorOf(staff));
      const second = await previewed((await firmsFile(2)).csv, actorOf(staff));
      const applying = applyImport(first, actorOf(staff), { beforeWrite: () => sleep(50) });
      await waitFor('the first firm', async () => (await FirmModel.countDocuments({})) >= 1, 10_000, 20);

      const draining = drainImportApplies(10_000);
      const refused = await applyImport(second, actorOf(staff)).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).to.be.instanceOf(Error).with.property('status', 503);
      await draining;

      expect(await Promise.race([applying, Promise.resolve('still running' as const)])).to.deep.include({
        outcome: 'applied',
      });
      expect(await FirmModel.countDocuments({})).to.equal(5);
      expect((await ImportBatchModel.findById(second).lean())!.status).to.equal('previewed');
    });
  });
});
