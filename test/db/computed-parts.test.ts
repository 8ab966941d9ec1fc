import { expect } from 'chai';
import { ComputedModel, invalidateComputed } from '../../models/computed.model.js';
import { readComputedParts, type PartsSource } from '../../server/lib/computed.service.js';
import { captureCommands } from '../helpers/commands.js';

// A long output kept in parts (a CSV export): read back as it was made, part by part; made afresh after a write; and
// whole even when a part goes while it is read.
describe('outputs kept in parts by the computed pattern', () => {
  let opened = 0;
  let lines: string[] = [];
  const source = (): PartsSource<string> => {
    opened += 1;
    return {
      items: [...lines],
      encode: (items, first) => Buffer.from((first ? 'header\n' : '') + items.map((l) => `${l}\n`).join('')),
    };
  };
  const read = async (key = 'parts-test') => {
    const chunks: Buffer[] = [];
    for await (const chunk of readComputedParts(['firms', 'people'], key, source)) chunks.push(chunk);
    return Buffer.concat(chunks).toString();
  };
  const expected = () => ['header', ...lines].map((l) => `${l}\n`).join('');

  beforeEach(async () => {
    await invalidateComputed('firms');
    opened = 0;
    lines = Array.from({ length: 2_100 }, (_, i) => `row ${i} 해운대`);
  });

  it('when an output of several parts is read a second time, then it is the same bytes, and no item is read', async () => {
    expect(await read()).to.equal(expected());
    expect(await read()).to.equal(expected());
    expect(opened, 'the second read came from the kept parts').to.equal(1);
    const parts = await ComputedModel.countDocuments({ _id: { $regex: '^firms:parts-test:1000:.*:\\d+$' } });
    expect(parts, '2,100 rows in parts of 1,000: the first is kept with the list of parts').to.equal(2);
  });

  it('when an output of one part is read again, then it comes with the generations of its sources, in one command', async () => {
    lines = lines.slice(0, 600);
    await read('one-part-test');
    const { result, commands } = await captureCommands(() => read('one-part-test'));
    expect(result).to.equal(expected());
    expect(commands.map((c) => `${c.name} ${c.collection}`)).to.deep.equal(['find computed']);
  });

  it('when an output has no items, then its one part (the header) is kept and read back', async () => {
    lines = [];
    expect(await read('empty-parts-test')).to.equal('header\n');
    expect(await read('empty-parts-test')).to.equal('header\n');
    expect(opened).to.equal(1);
  });

  it('when any of its sources is written, then the output is made afresh and shows the change', async () => {
    await read();
    lines[0] = 'renamed';
    await invalidateComputed('people');
    expect(await read()).to.equal(expected());
    lines[300] = 'renamed too';
    await invalidateComputed('firms');
    expect(await read()).to.equal(expected());
    expect(opened).to.equal(3);
  });

  it('when a part has gone by the time it is read, then the rest is made afresh from the items after those sent', async () => {
    await read();
    await ComputedModel.deleteOne({ _id: { $regex: '^firms:parts-test:1000:.*:1$' } });
    expect(await read()).to.equal(expected());
    expect(opened).to.equal(2);
  });

  it('when a part was kept in another shape, then it is not sent as it is', async () => {
    await read();
    const [part] = await ComputedModel.find({ _id: { $regex: '^firms:parts-test:1000:.*:1$' } }).lean();
    await ComputedModel.updateOne({ _id: part!._id }, { $set: { packed: 'not bytes' } });
    expect(await read()).to.equal(expected());
  });
});
