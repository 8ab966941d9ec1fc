import { expect } from 'chai';
import { followUpOrder, isOverdue, matchFilter } from '../../../server/matches/match-board.js';
import { tracksForFirm, tracksForInvestor, type TrackRound } from '../../../server/matches/match-tracks.js';

const TODAY = '2026-05-10';

describe('deal-flow filters and follow-up order', () => {
  it('when no stage is chosen, then only open matches are selected; a closed stage selects closed ones', () => {
    expect(matchFilter({}, TODAY)).to.deep.equal({ open: true });
    expect(matchFilter({ stage: 'passed' }, TODAY)).to.deep.equal({ open: false, stage: 'passed' });
    expect(matchFilter({ stage: 'meeting', sector: 'payments', type: 'vc' }, TODAY)).to.deep.equal({
      open: true,
      stage: 'meeting',
      firmSector: 'payments',
      investorType: 'vc',
    });
  });

  it('filters on the owner as an id and on overdue as a due day before today', () => {
    const owner = '65a1b2c3d4e5f60718293a4b';
    const f = matchFilter({ owner, overdue: '1' }, TODAY);
    expect(f.owner).to.equal(owner);
    expect(f.dueOn).to.deep.equal({ $lt: TODAY });
  });

  it('a due day before today is overdue; today, later or none is not', () => {
    expect([
      isOverdue('2026-05-09', TODAY),
      isOverdue(TODAY, TODAY),
      isOverdue('2026-05-11', TODAY),
      isOverdue(undefined, TODAY),
      isOverdue(null, TODAY),
    ]).to.deep.equal([true, false, false, false, false]);
  });

  it('orders follow-ups overdue first (oldest first), then by due day, then those without a date, ties by id', () => {
    const rows = [
      { _id: 'e', dueOn: null },
      { _id: 'b', dueOn: '2026-05-20' },
      { _id: 'a', dueOn: '2026-05-01' },
      { _id: 'd', dueOn: TODAY },
      { _id: 'c', dueOn: '2026-04-01' },
      { _id: 'f' },
      { _id: 'a2', dueOn: '2026-05-01' },
    ];
    expect(followUpOrder(rows, TODAY).map((r) => r._id)).to.deep.equal(['c', 'a', 'a2', 'd', 'b', 'e', 'f']);
  });
});

describe('investor track records from rounds', () => {
  const rounds: TrackRound[] = [
    { firm: 'f1', status: 'closed', participants: [{ investor: 'bnk', lead: true }, { investor: 'kb' }] },
    { firm: 'f2', status: 'closed', participants: [{ investor: 'bnk' }] },
    { firm: 'f2', status: 'open', participants: [{ investor: 'bnk', lead: true }] },
    { firm: 'f3', status: 'cancelled', participants: [{ investor: 'kb', lead: true }] },
    { firm: 'me', status: 'closed', participants: [{ investor: 'kb' }, { investor: 'kb', lead: true }] },
  ];

  it('for a firm: rounds in other firms of its sector with leads, its own rounds apart, cancelled rounds ignored', () => {
    const tracks = tracksForFirm('me', rounds);
    expect(tracks.get('bnk')).to.deep.equal({ sectorRounds: 3, sectorLeads: 2, firmRounds: 0 });
    expect(tracks.get('kb')).to.deep.equal({ sectorRounds: 1, sectorLeads: 0, firmRounds: 1 });
  });

  it("for an investor: per firm, its rounds in other firms of that firm's sector, and its rounds in that firm", () => {
    const sectorOf = new Map([
      ['f1', 'payments'],
      ['f2', 'payments'],
      ['f3', 'lending'],
      ['x', 'payments'],
      ['y', 'lending'],
    ] as const);
    const firms = [
      { id: 'x', sectorPrimary: 'payments' as const },
      { id: 'f2', sectorPrimary: 'payments' as const },
      { id: 'y', sectorPrimary: 'lending' as const },
    ];
    const tracks = tracksForInvestor('bnk', rounds, sectorOf, firms);
    expect(tracks.get('x')).to.deep.equal({ sectorRounds: 3, sectorLeads: 2, firmRounds: 0 });
    expect(tracks.get('f2')).to.deep.equal({ sectorRounds: 1, sectorLeads: 1, firmRounds: 2 });
    expect(tracks.has('y')).to.equal(false);
  });
});
