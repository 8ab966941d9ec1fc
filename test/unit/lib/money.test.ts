import { expect } from 'chai';
import { formatKrw, formatMinorUnits, parseKrw } from '../../../server/lib/money.js';
import { formatCalendarDate, formatDateTime, seoulToday, isValidCalendarDate } from '../../../server/lib/dates.js';

describe('won amounts', () => {
  it('reads Korean amounts in 억 and 만', () => {
    expect(formatKrw(1_250_000_000, 'ko')).to.equal('12억 5,000만원');
    expect(formatKrw(240_000_000_000, 'ko')).to.equal('2,400억원');
    expect(formatKrw(9_500, 'ko')).to.equal('9,500원');
    expect(formatKrw(1_000_000_000_000, 'ko')).to.equal('1조원');
  });
  it('reads English amounts compactly', () => {
    expect(formatKrw(1_250_000_000, 'en')).to.equal('₩1.25B');
    expect(formatKrw(350_000_000, 'en')).to.equal('₩350M');
  });
  it('parses what people type, in digits or Korean units', () => {
    expect(parseKrw('1,250,000,000')).to.equal(1_250_000_000);
    expect(parseKrw('12억 5,000만')).to.equal(1_250_000_000);
    expect(parseKrw('₩ 300,000,000원')).to.equal(300_000_000);
    expect(parseKrw('1.5')).to.equal(undefined);
    expect(parseKrw('abc')).to.equal(undefined);
    expect(parseKrw('1.5억')).to.equal(150_000_000);
    expect(parseKrw('5천만')).to.equal(50_000_000);
    expect(parseKrw('12억5천만원')).to.equal(1_250_000_000);
    expect(parseKrw('３억')).to.equal(300_000_000);
    expect(parseKrw('1조 2,000억')).to.equal(1_200_000_000_000);
    expect(parseKrw('5만 3억')).to.equal(undefined);
    expect(parseKrw('0.000001억')).to.equal(100);
    expect(parseKrw('99999999조')).to.equal(undefined);
  });
});

describe('amounts in other currencies (minor units)', () => {
  it('shows cents as the currency shows them, without floating point: two decimals for dollars, none for yen', () => {
    expect(formatMinorUnits(100_000_050, 'USD', 'en')).to.equal('$1,000,000.50');
    expect(formatMinorUnits(100_000_050, 'USD', 'ko')).to.equal('US$1,000,000.50');
    expect(formatMinorUnits(5, 'EUR', 'en')).to.equal('€0.05');
    expect(formatMinorUnits(1_250_000, 'JPY', 'en')).to.equal('¥1,250,000');
    // Past 2^53 / 100 a division by 100 would round; the digits' text does not.
    expect(formatMinorUnits(9_007_199_254_740_991, 'USD', 'en')).to.equal('$90,071,992,547,409.91');
  });
});

describe('dates', () => {
  it('shows instants in Seoul time', () => {
    // 2026-01-01T15:30Z is 00:30 on 2 January in Seoul.
    expect(formatDateTime(new Date('2026-01-01T15:30:00Z'), 'en')).to.contain('2 Jan 2026');
    expect(seoulToday(new Date('2026-01-01T15:30:00Z'))).to.equal('2026-01-02');
  });
  it('shows calendar dates as that day whatever the time zone', () => {
    expect(formatCalendarDate('2025-03-01', 'en')).to.equal('1 Mar 2025');
  });
  it('rejects impossible calendar dates', () => {
    expect(isValidCalendarDate('2025-02-29')).to.equal(false);
    expect(isValidCalendarDate('2024-02-29')).to.equal(true);
  });
});
