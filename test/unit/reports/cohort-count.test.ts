import { expect } from 'chai';
import {
  countResidentOn,
  movesBetween,
  residencyIntervals,
  residentOn,
  type StatusEntry,
} from '../../../server/reports/cohort-count.js';
import {
  addMonths,
  monthEnds,
  monthsBetween,
  quarterOf,
  endOfQuarterBefore,
} from '../../../server/reports/calendar.js';
import { paceOf } from '../../../server/reports/target-pace.js';

const h = (...pairs: Array<[StatusEntry['status'], string]>): StatusEntry[] =>
  pairs.map(([status, on]) => ({ status, on }));

describe('cohort counting rule (resident on day D)', () => {
  const admittedThenResident = h(['applicant', '2024-01-10'], ['admitted', '2024-02-01'], ['resident', '2024-03-01']);

  it('counts from the day the firm became resident, not before', () => {
    expect(residentOn(admittedThenResident, '2024-02-29')).to.equal(false);
    expect(residentOn(admittedThenResident, '2024-03-01')).to.equal(true);
    expect(residentOn(admittedThenResident, '2026-12-31')).to.equal(true);
  });

  it('stops counting after the firm left; the day it left still counts', () => {
    const left = [...admittedThenResident, ...h(['graduated', '2025-06-30'])];
    expect(residentOn(left, '2025-06-30')).to.equal(true);
    expect(residentOn(left, '2025-07-01')).to.equal(false);
  });

  it('counts a firm that left and came back again from its return', () => {
    const back = h(['resident', '2024-01-01'], ['withdrawn', '2024-06-01'], ['resident', '2025-01-15']);
    expect(residencyIntervals(back)).to.deep.equal([{ from: '2024-01-01', to: '2024-06-01' }, { from: '2025-01-15' }]);
    expect(residentOn(back, '2024-09-01')).to.equal(false);
    expect(residentOn(back, '2025-01-15')).to.equal(true);
  });

  it('never counts a firm that was never resident', () => {
    expect(residentOn(h(['applicant', '2024-01-01'], ['rejected', '2024-02-01']), '2024-03-01')).to.equal(false);
  });

  it('a past day keeps its count when the firm later leaves (the history only grows)', () => {
    const firms = [{ statusHistory: admittedThenResident }, { statusHistory: h(['resident', '2023-05-01']) }];
    const before = countResidentOn(firms, '2025-01-01');
    firms[0]!.statusHistory = [...admittedThenResident, ...h(['exited', '2026-03-01'])];
    expect(countResidentOn(firms, '2025-01-01')).to.equal(before);
    expect(countResidentOn(firms, '2026-03-02')).to.equal(1);
  });

  it('counts admissions and departures within a period', () => {
    const back = h(
      ['resident', '2024-01-01'],
      ['withdrawn', '2024-06-01'],
      ['resident', '2025-01-15'],
      ['graduated', '2025-02-01'],
    );
    expect(movesBetween(back, '2025-01-01', '2025-03-31')).to.deep.equal({ admissions: 1, departures: 1 });
  });
});

describe('calendar helpers', () => {
  it('moves by months, clamping to the month end', () => {
    expect(addMonths('2026-03-31', -1)).to.equal('2026-02-28');
    expect(addMonths('2025-11-15', 3)).to.equal('2026-02-15');
    expect(monthsBetween('2026-01-01', '2026-12-31')).to.be.closeTo(11.99, 0.01);
  });
  it('lists month ends and quarters', () => {
    expect(monthEnds('2026-01-15', '2026-03-10')).to.deep.equal(['2026-01-31', '2026-02-28', '2026-03-10']);
    expect(quarterOf('2026-08-01')).to.equal('2026-Q3');
    expect(endOfQuarterBefore('2026-12-01')).to.equal('2026-09-30');
  });
});

describe('target pace and projection', () => {
  const spec = { baseline: { value: 19, on: '2025-01-01' }, target: { value: 60, on: '2026-12-31' } };
  const linear = (perMonth: number, start: number) => (day: string) =>
    Math.floor(start + perMonth * Math.max(0, monthsBetween('2025-01-01', day)));

  it('on pace: the projection lands before the target date', () => {
    const p = paceOf(spec, '2026-01-01', linear(2, 19));
    expect(p.value).to.equal(43);
    expect(p.progress).to.be.closeTo((43 - 19) / 41, 1e-9);
    expect(p.actualPerMonth12).to.equal(2);
    expect(p.requiredPerMonth).to.be.closeTo(17 / 12, 0.02);
    expect(p.projected).to.equal('2026-10-01');
  });

  it('behind: the projection is after the target date', () => {
    const p = paceOf(spec, '2026-01-01', linear(0.5, 19));
    expect(p.projected > spec.target.on).to.equal(true);
    expect(p.requiredPerMonth! > p.actualPerMonth12).to.equal(true);
  });

  it('no change: not on the current pace', () => {
    const p = paceOf(spec, '2026-01-01', () => 22);
    expect(p.projected).to.equal('not-on-pace');
    expect(p.progress).to.be.closeTo(3 / 41, 1e-9);
  });

  it('already met', () => {
    const p = paceOf(spec, '2026-06-01', () => 61);
    expect(p.met).to.equal(true);
    expect(p.projected).to.equal('met');
    expect(p.requiredPerMonth).to.equal(undefined);
  });

  it('progress from the baseline: 0 at 19, not 19/60', () => {
    expect(paceOf(spec, '2026-01-01', () => 19).progress).to.equal(0);
  });
});
