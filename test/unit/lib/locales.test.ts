import { expect } from 'chai';
import { loadLocale } from '../../../server/lib/i18n.js';

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('locale files', () => {
  it('Korean and English have exactly the same keys, and no empty strings', () => {
    const ko = keys(loadLocale('ko'));
    const en = keys(loadLocale('en'));
    expect(
      ko.filter((k) => !en.includes(k)),
      'only in Korean',
    ).to.deep.equal([]);
    expect(
      en.filter((k) => !ko.includes(k)),
      'only in English',
    ).to.deep.equal([]);
    expect(ko.length).to.be.greaterThan(50);
  });
});
