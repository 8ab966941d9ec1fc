import { expect } from 'chai';
import mongoose from 'mongoose';
import { useTestApp, loginAs } from '../helpers/app.js';
import { sweepExpiredSessions, SESSIONS_COLLECTION } from '../../server/sessions/index.js';
import { FirmModel } from '../../models/firm.model.js';
import { makeFirm } from '../helpers/factories.js';

describe('session upkeep', () => {
  const t = useTestApp();

  it('when sessions expire, then the sweep removes only them, signed-in users stay in, and later queries read the right data', async () => {
    const staff = await loginAs(t.app, 'staff');
    const sessions = mongoose.connection.collection(SESSIONS_COLLECTION);
    const live = await sessions.countDocuments();
    await sessions.insertMany([
      { _id: 'old-1' as never, expires: new Date(Date.now() - 60_000), session: '{}' },
      { _id: 'old-2' as never, expires: new Date(Date.now() - 1), session: '{}' },
    ]);
    expect(await sweepExpiredSessions()).to.equal(2);
    expect(await sessions.countDocuments()).to.equal(live);
    expect((await staff.get('/')).status).to.equal(200);
    // Right after the sweep, every pooled connection still answers its own query (an unacknowledged delete would not).
    const firms = await Promise.all(['A', 'B', 'C'].map((n) => makeFirm({ nameEn: `Sweep ${n}` })));
    for (let i = 0; i < 20; i++) {
      const f = firms[i % 3]!;
      expect((await FirmModel.findById(f._id).lean())!.nameEn).to.equal(f.nameEn);
    }
  });
});
