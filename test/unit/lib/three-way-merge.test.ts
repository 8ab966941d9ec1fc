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
    const { values } = mergeOnConflict(parseBase('not json'), { pitch: 'mine', headcount: '' }, { pitch: 'theirs', headcount: '15' });
    expect(values).to.deep.equal({ pitch: 'mine', headcount: '15' });
  });
});
