import { expect } from 'chai';
import { Types } from 'mongoose';
import { ImportBatchModel } from '../../../models/import-batch.model.js';
import { FirmModel } from '../../../models/firm.model.js';
import { UserModel } from '../../../models/user.model.js';
import { recoverInterruptedImports } from '../../../server/imports/imports.service.js';
import { makeFirm } from '../../helpers/factories.js';

describe('an import cut off by a crash', () => {
  it('when the app starts long after, then what the import inserted is removed and the batch is marked failed', async () => {
    const importId = new Types.ObjectId();
    const kept = await makeFirm({ nameEn: 'Kept' });
    const inserted = await makeFirm({ nameEn: 'Half Imported' });
    const unjournalled = await makeFirm({ nameEn: 'Not Yet Journalled' });
    await FirmModel.updateMany({ _id: { $in: [inserted._id, unjournalled._id] } }, { $set: { importId } });
    const by = new UserModel()._id;
    await ImportBatchModel.collection.insertOne({
      _id: importId, kind: 'firms', filename: 'x.csv', by, at: new Date(), status: 'applying', rows: [], columns: [], ignoredColumns: [],
      journal: [{ op: 'insert', entity: 'firm', entityId: inserted._id }],
      createdAt: new Date(Date.now() - 3600_000), updatedAt: new Date(Date.now() - 3600_000),
    });
    expect(await recoverInterruptedImports()).to.equal(1);
    expect((await FirmModel.find().lean()).map((f) => f.nameEn)).to.deep.equal(['Kept']);
    const batch = await ImportBatchModel.findById(importId).lean();
    expect(batch!.status).to.equal('failed');
    expect(batch!.failure).to.match(/^interrupted/);
    expect(String(kept._id)).to.be.a('string');
  });

  it('when an apply is still recent, then it is left alone (another instance may be running it)', async () => {
    const importId = new Types.ObjectId();
    await ImportBatchModel.collection.insertOne({ _id: importId, kind: 'firms', filename: 'x.csv', by: new Types.ObjectId(), at: new Date(), status: 'applying', rows: [], journal: [], createdAt: new Date(), updatedAt: new Date() });
    expect(await recoverInterruptedImports()).to.equal(0);
    expect((await ImportBatchModel.findById(importId).lean())!.status).to.equal('applying');
  });
});
