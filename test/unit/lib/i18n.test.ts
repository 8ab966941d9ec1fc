import { expect } from 'chai';
import { createI18n, translatorOf } from '../../../server/lib/i18n.js';

describe('translations kept per language', () => {
  it('gives each call its own answer when the same string is asked for again with other values', async () => {
    const i18n = await createI18n();
    const en = translatorOf(i18n, 'en');
    expect(en('matches.moveTo', { stage: 'Meeting' })).to.equal('→ Meeting');
    expect(en('matches.moveTo', { stage: 'Term sheet' })).to.equal('→ Term sheet');
    expect(en('matches.moveTo', { stage: 'Meeting' })).to.equal('→ Meeting');
    expect(en('matches.days', { count: 1 })).to.not.equal(en('matches.days', { count: 5 }));
    expect(en('matches.days', { count: 5 })).to.contain('5');
  });

  it('answers in the language asked for, whichever language asked first', async () => {
    const i18n = await createI18n();
    const en = translatorOf(i18n, 'en');
    const ko = translatorOf(i18n, 'ko');
    expect(en('matches.board.title')).to.not.equal(ko('matches.board.title'));
    expect(translatorOf(i18n, 'en')('matches.board.title')).to.equal(en('matches.board.title'));
    expect(ko('matches.moveTo', { stage: '미팅' })).to.contain('미팅');
  });
});
