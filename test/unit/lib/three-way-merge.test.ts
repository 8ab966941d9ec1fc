import { expect } from 'chai';
import { mergeOnConflict, parseBase } from '../../../server/lib/three-way-merge.js';

describe('merging an edit that conflicted', () => {
  const base = { pitch: 'old', headcount: '12', tags: 'a, b', sectors: ['x'] };
  it('keeps what the user changed and takes what only the other person changed', () => {
    const theirs = { pitch: 'old', headcount: '15', tags: 'a, b', sectors: ['x', 'y'] };
    const mine = { pitch: 'mine', headcount: '12', tags: 'a, b', sectors: 'x' };
    const { values, clashes } = mergeOnConflict(base, mine, theirs);
    expect(values).to.deep.equal({ pitch: 'mine', headcount: '15', tags: 'a, b', sectors: ['x', 'y'] });
    expect(clashes).to.deep.equal([]);
  });
  it('reports a field both changed differently, keeping the user value', () => {
    const { values, clashes } = mergeOnConflict(base, { ...base, pitch: 'mine' }, { ...base, pitch: 'theirs' });
    expect(values.pitch).to.equal('mine');
    expect(clashes).to.deep.equal(['pitch']);
  });
  it('without a base, keeps every typed value and fills what was left empty', () => {
    const { values } = mergeOnConflict(
      parseBase('not json'),
      { pitch: 'mine', headcount: '' },
      { pitch: 'theirs', headcount: '15' },
    );
    expect(values).to.deep.equal({ pitch: 'mine', headcount: '15' });
  });
  it('when the user did not send a field at all, then the stored value stands', () => {
    const { values, clashes } = mergeOnConflict({ active: 'true' }, { active: undefined }, { active: 'false' });
    expect(values).to.deep.equal({ active: 'false' });
    expect(clashes).to.deep.equal([]);
  });
  it("compares rows (a round's participants) field by field, whatever the order of their keys", () => {
    const rows = [{ investor: 'a', amountKrw: '100', lead: 'true' }];
    const theirs = { participants: [{ investor: 'b', amountKrw: '5', lead: '' }], note: 'theirs' };
    const { values, clashes } = mergeOnConflict(
      { participants: rows, note: 'old' },
      { participants: [{ lead: 'true', amountKrw: '100', investor: 'a' }], note: 'old' },
      theirs,
    );
    expect(values).to.deep.equal(theirs);
    expect(clashes).to.deep.equal([]);
  });
  it('reads base values back from the form, and anything malformed as no base at all', () => {
    expect(parseBase(JSON.stringify({ a: 'x', b: ['y'], rows: [{ k: 'v' }], n: 3 }))).to.deep.equal({
      a: 'x',
      b: ['y'],
      rows: [{ k: 'v' }],
    });
    expect(parseBase('not json')).to.equal(undefined);
    expect(parseBase(undefined)).to.equal(undefined);
    expect(parseBase('[1]')).to.equal(undefined);
  });
});
