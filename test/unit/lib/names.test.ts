import { expect } from 'chai';
import { nameIn, secondNameIn } from '../../../server/lib/names.js';

describe("a record's name in the page language", () => {
  const both = { nameKo: '해운페이', nameEn: 'HaeunPay' };

  it('when the record has both names, then each page shows its own language', () => {
    expect(nameIn(both, 'ko')).to.equal('해운페이');
    expect(nameIn(both, 'en')).to.equal('HaeunPay');
  });

  it("when the page language's name is missing, then the other one is shown", () => {
    expect(nameIn({ nameKo: '동백파트너스' }, 'en')).to.equal('동백파트너스');
    expect(nameIn({ nameKo: '', nameEn: 'Dongbaek' }, 'ko')).to.equal('Dongbaek');
    expect(nameIn({ nameKo: null, nameEn: 'Dongbaek' }, 'ko')).to.equal('Dongbaek');
  });

  it('when there is no name (or no record), then the fallback is shown, empty unless given', () => {
    expect(nameIn({}, 'ko')).to.equal('');
    expect(nameIn({ nameKo: null, nameEn: '' }, 'en', '—')).to.equal('—');
    expect(nameIn(undefined, 'en', '—')).to.equal('—');
  });

  it('shows the second name beside the first only when the record has a different one', () => {
    expect(secondNameIn(both, 'ko')).to.equal('HaeunPay');
    expect(secondNameIn(both, 'en')).to.equal('해운페이');
    expect(secondNameIn({ nameKo: '해운페이' }, 'en')).to.equal('');
    expect(secondNameIn({ nameKo: 'Same', nameEn: 'Same' }, 'ko')).to.equal('');
  });
});
