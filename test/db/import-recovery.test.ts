import { expect } from 'chai';
import { Types } from 'mongoose';
import { ImportBatchModel, ImportLeaseModel } from '../../models/import-batch.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { UserModel } from '../../models/user.model.js';
import { applyImport, recoverInterruptedImports } from '../../server/imports/index.js';
import { leaseKey } from '../../server/imports/import-lease.service.js';
import { makeFirm } from '../helpers/factories.js';

// A batch as a crashed process leaves it: held ('applying' or 'undoing') under a lease that has lapsed or still runs,
// or under none at all (left by a version before leases), with its journal.
async function heldBatch(over: { status?: string; lease?: 'lapsed' | 'live' | 'none'; journal?: unknown[] } = {}) {
  const _id = new Types.ObjectId();
  const lease = over.lease ?? 'lapsed';
  await ImportBatchModel.collection.insertOne({
    _id,
    kind: 'firms',
    filename: 'x.csv',
    by: new UserModel()._id,
    at: new Date(),
    status: over.status ?? 'applying',
    rows: [],
    columns: [],
    ignoredColumns: [],
    journal: over.journal ?? [],
    createdAt: new Date(),
    updatedAt: new Date(),
    ...(lease === 'none' ? {} : { leaseOwner: 'another-process', claims: 1 }),
  });
  if (lease !== 'none') {
    await ImportLeaseModel.create({
      _id: leaseKey(_id, 0),
      batch: _id,
      owner: 'another-process',
      until: new Date(Date.now() + (lease === 'live' ? 30_000 : -1000)),
    });
  }
  return _id;
}

describe('an import cut off by a crash', () => {
  describe('whose lease has lapsed', () => {
    it('when recovery runs, then what the import inserted is removed (journalled or only carrying its id) and the batch is interrupted, ready to apply again', async () => {
      const kept = await makeFirm({ nameEn: 'Kept' });
      const inserted = await makeFirm({ nameEn: 'Half Imported' });
      const unjournalled = await makeFirm({ nameEn: 'Not Yet Journalled' });
      const importId = await heldBatch({ journal: [{ op: 'insert', entity: 'firm', entityId: inserted._id }] });
      await FirmModel.updateMany({ _id: { $in: [inserted._id, unjournalled._id] } }, { $set: { importId } });

      expect(await recoverInterruptedImports()).to.equal(1);

      expect((await FirmModel.find().lean()).map((f) => String(f._id))).to.deep.equal([String(kept._id)]);
      const batch = await ImportBatchModel.findById(importId).lean();
      expect(batch).to.deep.include({ status: 'interrupted', undoComplete: true });
      expect(batch!.leaseOwner).to.equal(undefined);
      expect(await ImportLeaseModel.countDocuments({})).to.equal(0);
      // The audit log says the records are gone and why.
      const audit = await AuditEntryModel.find({ importId }).sort({ at: 1, _id: 1 }).lean();
      expect(audit.map((e) => `${e.entity}:${e.action}`)).to.deep.equal([
        'firm:delete',
        'firm:delete',
        'import:import',
      ]);
      expect(audit.at(-1)!.changes).to.deep.include({ field: 'status', before: 'applying', after: 'interrupted' });
    });

    it('when an update was journalled ahead and written, then the firm gets its stored values back; one journalled but not yet written is left as it is', async () => {
      const updated = await makeFirm({ nameEn: 'Before', pitch: 'old pitch' });
      const untouched = await makeFirm({ nameEn: 'Untouched', pitch: 'kept pitch' });
      const before = await FirmModel.findById(updated._id).lean();
      const entry = (f: typeof before) => ({
        op: 'update',
        entity: 'firm',
        entityId: f!._id,
        before: [
          { path: 'pitch', value: f!.pitch },
          { path: '__v', value: f!.__v },
          { path: 'updatedAt', value: f!.updatedAt },
          { path: 'lastActivityAt', value: f!.lastActivityAt },
        ],
      });
      const importId = await heldBatch({
        journal: [entry(before), entry(await FirmModel.findById(untouched._id).lean())],
      });
      // The import's write of the first firm (the process died before writing the second).
      await FirmModel.updateOne({ _id: updated._id }, { $set: { pitch: 'imported pitch' }, $inc: { __v: 1 } });

      expect(await recoverInterruptedImports()).to.equal(1);

      const after = await FirmModel.findById(updated._id).lean();
      expect(after!.pitch).to.equal('old pitch');
      expect(after!.__v).to.equal(before!.__v);
      expect((await FirmModel.findById(untouched._id).lean())!.pitch).to.equal('kept pitch');
      expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('interrupted');
    });

    it('when the batch has no lease at all (left by a version before leases), then it counts as lapsed', async () => {
      const importId = await heldBatch({ lease: 'none' });
      expect(await recoverInterruptedImports()).to.equal(1);
      expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('interrupted');
    });

    it('when the process undoing it died too (undoing, lease lapsed), then recovery finishes the undo', async () => {
      const inserted = await makeFirm({ nameEn: 'Half Imported' });
      const importId = await heldBatch({ status: 'undoing' });
      await FirmModel.updateOne({ _id: inserted._id }, { $set: { importId } });
      expect(await recoverInterruptedImports()).to.equal(1);
      expect(await FirmModel.countDocuments({})).to.equal(0);
      expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('interrupted');
    });

    it('when two instances recover at once, then each batch is undone once', async () => {
      const ids = [await heldBatch({ lease: 'none' }), await heldBatch()];
      const counts = await Promise.all([recoverInterruptedImports(), recoverInterruptedImports()]);
      expect(counts[0] + counts[1]).to.equal(2);
      for (const id of ids) {
        expect((await ImportBatchModel.findById(id).lean())!.status).to.equal('interrupted');
        expect(await AuditEntryModel.countDocuments({ entity: 'import', importId: id })).to.equal(1);
      }
      expect(await recoverInterruptedImports()).to.equal(0);
    });
  });

  it('when a lease is left from a claim cut short (the batch never became applying), then recovery removes it and the batch can be applied', async () => {
    const importId = await heldBatch({ status: 'previewed' });
    await ImportBatchModel.updateOne({ _id: importId }, { $set: { claims: 0 }, $unset: { leaseOwner: 1 } });
    expect(await recoverInterruptedImports()).to.equal(0);
    expect(await ImportLeaseModel.countDocuments({})).to.equal(0);
    expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('previewed');
    expect(
      await applyImport(String(importId), { id: String(new Types.ObjectId()), email: 'staff@test.example' }),
    ).to.deep.include({ outcome: 'applied' });
  });

  it('when its lease still runs, then it is left alone (another instance may be applying it) until the lease lapses', async () => {
    const importId = await heldBatch({ lease: 'live' });
    expect(await recoverInterruptedImports()).to.equal(0);
    expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('applying');
    expect(await recoverInterruptedImports({ now: new Date(Date.now() + 31_000) })).to.equal(1);
    expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('interrupted');
  });
});
