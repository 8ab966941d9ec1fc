import { expect } from 'chai';
import { fundTotals } from '../../../server/investors/fund-rules.js';

describe('fund totals of an investor organisation', () => {
  const funds = [
    { sizeKrw: 50_000_000_000, dryPowderKrw: 8_000_000_000, bifcStartupFund: true, vintage: '2022-03-15' },
    { sizeKrw: 35_000_000_000, dryPowderKrw: 30_000_000_000, bifcStartupFund: true, vintage: '2026-06-10' },
    { sizeKrw: 20_000_000_000, bifcStartupFund: false, vintage: '2021-01-04' },
    { sizeKrw: 5_000_000_000, dryPowderKrw: null, bifcStartupFund: true },
  ];

  it('when no day is given, then every fund counts: size, dry powder (missing as nothing) and the BIFC startup funds apart', () => {
    expect(fundTotals(funds)).to.deep.equal({
      count: 4,
      sizeKrw: 110_000_000_000,
      dryPowderKrw: 38_000_000_000,
      bifcStartupKrw: 90_000_000_000,
      bifcStartupCount: 3,
    });
  });

  it('when a day is given, then only funds formed by then count, and a fund without a vintage is not formed', () => {
    expect(fundTotals(funds, '2024-12-31')).to.deep.include({
      count: 2,
      sizeKrw: 70_000_000_000,
      bifcStartupKrw: 50_000_000_000,
      bifcStartupCount: 1,
    });
    // The vintage day itself counts.
    expect(fundTotals(funds, '2026-06-10').bifcStartupKrw).to.equal(85_000_000_000);
  });

  it('when there are no funds, then everything is zero', () => {
    expect(fundTotals([])).to.deep.equal({
      count: 0,
      sizeKrw: 0,
      dryPowderKrw: 0,
      bifcStartupKrw: 0,
      bifcStartupCount: 0,
    });
  });
});
