import { expect } from 'chai';
import { servedBy, type IndexKeys } from '../../perf/index-rule.js';

const FIRM_INDEXES: IndexKeys[] = [
  [
    ['archived', 1],
    ['sortName', 1],
    ['_id', 1],
  ],
  [
    ['archived', 1],
    ['status', 1],
    ['sortName', 1],
    ['_id', 1],
  ],
  [['searchTokens', 1]],
];
const AUDIT_INDEXES: IndexKeys[] = [
  [
    ['entityId', 1],
    ['at', -1],
  ],
];

describe('index rule (ESR)', () => {
  it('when equality fields and the sort follow an index in order, then it is served', () => {
    const v = servedBy(FIRM_INDEXES, {
      filter: { archived: false, status: 'resident' },
      sort: { sortName: 1, _id: 1 },
    });
    expect(v).to.deep.equal({ served: true, index: FIRM_INDEXES[1] });
  });

  it('when the sort runs against the index, then it is served read backwards; a mixed direction is not', () => {
    expect(servedBy(FIRM_INDEXES, { filter: { archived: false }, sort: { sortName: -1, _id: -1 } }).served).to.equal(
      true,
    );
    expect(servedBy(FIRM_INDEXES, { filter: { archived: false }, sort: { sortName: -1, _id: 1 } }).served).to.equal(
      false,
    );
  });

  it('when a keyset page asks for the rows after a cursor, then each $or branch is served by the same index', () => {
    const filter = {
      archived: false,
      $or: [{ sortName: { $gt: 'b' } }, { sortName: 'b', _id: { $gt: 'x' } }],
    };
    expect(servedBy(FIRM_INDEXES, { filter, sort: { sortName: 1, _id: 1 } }).served).to.equal(true);
  });

  it('when an equality field is missing from every index, then it is not served and the reason names it', () => {
    const v = servedBy(FIRM_INDEXES, { filter: { archived: false, sectorPrimary: 'payments' }, sort: { sortName: 1 } });
    expect(v.served).to.equal(false);
    expect(v.served ? '' : v.reason).to.contain('sectorPrimary');
  });

  it('when a range comes before the sort field in the index order, then it is not served (range after sort only)', () => {
    const indexes: IndexKeys[] = [
      [
        ['at', -1],
        ['entity', 1],
      ],
    ];
    expect(servedBy(indexes, { filter: { entity: { $gt: 'a' } }, sort: { at: -1 } }).served).to.equal(true);
    expect(servedBy(indexes, { filter: { at: { $lt: new Date() } }, sort: { entity: 1 } }).served).to.equal(false);
  });

  it('when a filter is $in or an anchored regex, then it counts as equality or range; an unanchored regex is never served', () => {
    expect(servedBy(FIRM_INDEXES, { filter: { searchTokens: { $in: ['pay', 'busan'] } } }).served).to.equal(true);
    expect(servedBy(FIRM_INDEXES, { filter: { searchTokens: /^pay/ } }).served).to.equal(true);
    expect(servedBy(FIRM_INDEXES, { filter: { searchTokens: /pay/ } }).served).to.equal(false);
    expect(servedBy(FIRM_INDEXES, { filter: { searchTokens: { $regex: 'pay' } } }).served).to.equal(false);
  });

  it('when only _id is asked for, or one $or branch is not indexed, then _id serves it and the branch fails it', () => {
    expect(servedBy([], { filter: { _id: { $in: ['a', 'b'] } } }).served).to.equal(true);
    const v = servedBy(AUDIT_INDEXES, { filter: { $or: [{ entityId: 'a' }, { firm: 'a' }] }, sort: { at: -1 } });
    expect(v.served).to.equal(false);
  });

  it('when _id names the documents, then its index serves any sort or range beside it (a few documents sorted in memory)', () => {
    const page = {
      $or: [{ sortNameKo: { $gt: 'b' } }, { sortNameKo: 'b', _id: { $gt: 'x' } }],
      _id: { $in: ['a', 'b'] },
    };
    expect(servedBy([], { filter: page, sort: { sortNameKo: 1, _id: 1 } }).served).to.equal(true);
    expect(servedBy([], { filter: { _id: 'a', stage: { $gt: 'b' } }, sort: { dueOn: 1 } }).served).to.equal(true);
    // without the _id equality, the same page needs its sort's index
    expect(servedBy([], { filter: { sortNameKo: { $gt: 'b' } }, sort: { sortNameKo: 1, _id: 1 } }).served).to.equal(
      false,
    );
  });

  it('when the filter is empty and unsorted, then it reads the whole collection and is not served', () => {
    expect(servedBy(FIRM_INDEXES, { filter: {} }).served).to.equal(false);
    expect(servedBy(FIRM_INDEXES, { filter: {}, sort: { _id: 1 } }).served).to.equal(true);
  });

  it('when $elemMatch names subfields, then they are matched as dotted fields', () => {
    const indexes: IndexKeys[] = [[['participants.investor', 1]]];
    expect(servedBy(indexes, { filter: { participants: { $elemMatch: { investor: 'x' } } } }).served).to.equal(true);
  });
});
