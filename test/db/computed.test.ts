import { expect } from 'chai';
import { Types } from 'mongoose';
import { ComputedModel, invalidateComputed } from '../../models/computed.model.js';
import { readComputed } from '../../server/lib/computed.service.js';

// The computed pattern's store: a kept figure is read back as it was computed (dates, ids and amounts of their own
// types), in one packed field, and one an earlier version kept unpacked is computed again.
describe('figures kept by the computed pattern', () => {
  const figure = () => ({
    rows: [
      {
        id: new Types.ObjectId(),
        at: new Date(Date.UTC(2026, 10, 30, 15, 0)),
        raisedKrw: 12_500_000_000,
        name: '해운대',
      },
      { id: new Types.ObjectId(), at: null, raisedKrw: 0, name: 'Ledger & Co' },
    ],
    total: 2,
  });

  it('when a figure is read a second time, then it comes back with its dates, ids and amounts as computed', async () => {
    const computed = figure();
    let runs = 0;
    const read = () => readComputed('firms', 'packed-test', () => ((runs += 1), Promise.resolve(computed)));
    await read();
    const again = await read();
    expect(runs, 'the second read was kept').to.equal(1);
    expect(again).to.deep.equal(computed);
    expect(again.rows[0]!.at).to.be.instanceOf(Date);
    expect(String(again.rows[0]!.id)).to.equal(String(computed.rows[0]!.id));
    expect(again.rows[0]!.raisedKrw).to.equal(12_500_000_000);
  });

  it('when a figure is kept, then its document holds the value as one packed field, not as fields of its own', async () => {
    await readComputed('firms', 'packed-test', () => Promise.resolve(figure()));
    const stored = await ComputedModel.collection.findOne({ _id: 'firms:packed-test' as never });
    expect(Object.keys(stored ?? {}).sort()).to.deep.equal(['_id', 'gen', 'packed', 'source']);
  });

  it('when a figure was kept unpacked by an earlier version, then it is computed again and kept packed', async () => {
    await invalidateComputed('firms');
    const gen = (await ComputedModel.findById('firms').lean())?.gen ?? 0;
    await ComputedModel.collection.insertOne({ _id: 'firms:packed-test' as never, source: 'firms', gen, value: 'old' });
    const read = await readComputed('firms', 'packed-test', () => Promise.resolve('new'));
    expect(read).to.equal('new');
    const stored = await ComputedModel.collection.findOne({ _id: 'firms:packed-test' as never });
    expect(stored).to.not.have.property('value');
    expect(await readComputed('firms', 'packed-test', () => Promise.resolve('computed again'))).to.equal('new');
  });

  it('when its source is written, then the figure is computed again', async () => {
    await readComputed('firms', 'packed-test', () => Promise.resolve(1));
    await invalidateComputed('firms');
    expect(await readComputed('firms', 'packed-test', () => Promise.resolve(2))).to.equal(2);
  });
});
