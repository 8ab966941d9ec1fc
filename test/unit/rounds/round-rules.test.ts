import { expect } from 'chai';
import { computeFirmTotals, checkParticipants } from '../../../server/rounds/round-rules.js';
import { toMinorUnits } from '../../../server/rounds/rounds.schemas.js';

describe('round rules', () => {
  const seed = {
    _id: 'a',
    status: 'closed',
    stage: 'seed',
    amountKrw: 300_000_000,
    preMoneyKrw: 2_700_000_000,
    closedOn: '2024-06-30',
  };
  const seriesA = {
    _id: 'b',
    status: 'closed',
    stage: 'series-a',
    amountKrw: 2_500_000_000,
    preMoneyKrw: 12_000_000_000,
    closedOn: '2025-11-20',
  };
  const bridge = { _id: 'c', status: 'closed', stage: 'bridge', amountKrw: 500_000_000, closedOn: '2025-02-01' };
  const planned = { _id: 'd', status: 'planned', stage: 'series-b', amountKrw: 9_000_000_000 };

  it('gives the same totals whatever order the rounds come in', () => {
    const a = computeFirmTotals([seed, seriesA, bridge, planned]);
    const b = computeFirmTotals([planned, bridge, seriesA, seed]);
    expect(a).to.deep.equal(b);
    expect(a.raisedKrw).to.equal(3_300_000_000);
    expect(a.roundCount).to.equal(3);
    expect(a.lastRoundStage).to.equal('series-a');
    expect(a.lastValuationKrw).to.equal(14_500_000_000);
  });

  it('counts nothing for a firm without closed rounds', () => {
    expect(computeFirmTotals([planned])).to.deep.equal({ raisedKrw: 0, raisedKey: '0000000000000000', roundCount: 0 });
  });

  it('refuses participants above the round and warns when a closed round is not filled', () => {
    expect(
      checkParticipants({ amountKrw: 100, status: 'closed', participants: [{ amountKrw: 60 }, { amountKrw: 50 }] })
        .error,
    ).to.equal('participantsExceedAmount');
    expect(checkParticipants({ amountKrw: 100, status: 'closed', participants: [{ amountKrw: 60 }] }).warning).to.equal(
      'participantsBelowAmount',
    );
    expect(checkParticipants({ amountKrw: 100, status: 'open', participants: [{ amountKrw: 60 }] })).to.deep.equal({});
    expect(checkParticipants({ amountKrw: 100, status: 'closed', participants: [{ amountKrw: 100 }] })).to.deep.equal(
      {},
    );
  });

  it('converts foreign amounts to integer minor units without floating point', () => {
    expect(toMinorUnits('1,500,000.25', 'USD')).to.equal(150_000_025);
    expect(toMinorUnits('0.1', 'USD')).to.equal(10);
    expect(toMinorUnits('1000', 'JPY')).to.equal(1000);
    expect(toMinorUnits('10.5', 'JPY')).to.equal(undefined);
    expect(toMinorUnits('1.234', 'EUR')).to.equal(undefined);
  });
});
