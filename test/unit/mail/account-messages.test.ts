import { expect } from 'chai';
import { createI18n } from '../../../server/lib/i18n.js';
import { invitationMail, resetMail } from '../../../server/mail/account-messages.js';
import { loadConfig, ConfigError } from '../../../server/config.js';

const mail = {
  to: 'kim@example.org',
  name: '김민지',
  url: 'https://crm.example.org/account/invite/abc',
  expiresAt: new Date('2026-12-08T09:00:00Z'),
  invitedBy: '박관리',
};

describe('account emails', () => {
  it('when an invitation is written in Korean, then it greets the invitee, names the inviter, carries the link and its expiry in Korea time', async () => {
    const i18n = await createI18n();
    const m = invitationMail(i18n.getFixedT('ko'), 'ko', mail);
    expect(m.to).to.equal('kim@example.org');
    expect(m.subject).to.equal('TIPS Town CRM 초대');
    expect(m.text).to.contain('김민지님, 안녕하세요.');
    expect(m.text).to.contain('박관리님이');
    expect(m.text).to.contain('\nhttps://crm.example.org/account/invite/abc\n');
    // 09:00 UTC is 18:00 in Seoul.
    expect(m.text).to.match(/2026\. 12\. 8\. 18:00/);
  });

  it('when a reset email is written in English, then it is English throughout', async () => {
    const i18n = await createI18n();
    const m = resetMail(i18n.getFixedT('en'), 'en', { ...mail, url: 'https://crm.example.org/account/reset/x' });
    expect(m.subject).to.equal('Choose a new TIPS Town CRM password');
    expect(m.text).to.contain('Hello 김민지,');
    expect(m.text).to.contain('8 Dec 2026, 18:00');
    expect(m.text).to.not.match(/안녕|비밀번호|링크/);
  });
});

describe('email configuration', () => {
  it('when no SMTP variable is set, then email is off', () => {
    expect(loadConfig({}).mail).to.equal(undefined);
  });

  it('when SMTP_HOST and its login are set, then the server, port, TLS and sender come from them', () => {
    const c = loadConfig({
      SMTP_HOST: 'mail.example.org',
      SMTP_PORT: '465',
      SMTP_USER: 'crm',
      SMTP_PASS: 'secret',
      SMTP_FROM: 'CRM <crm@example.org>',
      PUBLIC_URL: 'https://crm.example.org/',
    });
    expect(c.mail).to.deep.equal({
      smtp: { host: 'mail.example.org', port: 465, secure: true, auth: { user: 'crm', pass: 'secret' } },
      from: 'CRM <crm@example.org>',
    });
    expect(c.publicUrl).to.equal('https://crm.example.org');
  });

  it('when SMTP is set without a sender or public address, then start-up names both variables', () => {
    try {
      loadConfig({ SMTP_URL: 'smtp://mail.example.org:587' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).to.match(/^SMTP_FROM: is required/m);
      expect(problems).to.match(/^PUBLIC_URL: is required/m);
    }
  });

  it('when SMTP_URL is not an smtp address, then the message names SMTP_URL', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).to.throw(ConfigError, /SMTP_URL/);
  });
});
