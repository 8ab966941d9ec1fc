import { expect } from 'chai';
import { notificationText } from '../../../server/notifications/notification-text.js';
import { createI18n } from '../../../server/lib/i18n.js';

describe('notification text', () => {
  it('reads each kind as a sentence in Korean and English, with current names before the stored ones', async () => {
    const i18n = await createI18n();
    const names = {
      firm: { nameKo: '페이코인', nameEn: 'Paycoin' },
      investor: { nameKo: '비엔케이벤처투자', nameEn: 'BNK VC' },
    };
    const en = i18n.getFixedT('en');
    const ko = i18n.getFixedT('ko');
    expect(notificationText({ kind: 'intro-request' }, names, en, 'en')).to.equal(
      'BNK VC asked for an introduction to Paycoin.',
    );
    expect(notificationText({ kind: 'intro-request' }, names, ko, 'ko')).to.equal(
      '비엔케이벤처투자이(가) 페이코인 소개를 요청했습니다.',
    );
    expect(notificationText({ kind: 'pass', params: { reason: 'valuation' } }, names, en, 'en')).to.equal(
      'BNK VC passed on Paycoin: Valuation.',
    );
    expect(notificationText({ kind: 'stage', params: { stage: 'meeting', byName: 'Kim' } }, names, en, 'en')).to.equal(
      'Kim moved Paycoin × BNK VC to Meeting.',
    );
    expect(
      notificationText({ kind: 'stage', params: { stage: 'meeting', byName: 'Kim' } }, names, ko, 'ko'),
    ).to.contain('미팅');
    expect(notificationText({ kind: 'assigned', params: { firmEn: 'Old name' } }, {}, en, 'en')).to.equal(
      'You now own the match Old name × an investor.',
    );
  });
});
