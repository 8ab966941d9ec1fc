import type { TFunction } from 'i18next';
import { formatDateTime } from '../lib/dates.js';
import type { Lang } from '../lib/money.js';
import type { MailMessage } from './mailer.js';

// What an account email says: to whom, the link, until when it works, and (invitations) who invited them.
export type LinkMail = { to: string; name: string; url: string; expiresAt: Date; invitedBy?: string };

// The strings come from server/locales/<lang>/account.json (account.mail.*) in the given language: the inviting admin's
// for an invitation, the page's for a reset asked for on the "forgot password" page.
export function invitationMail(t: TFunction, lang: Lang, mail: LinkMail): MailMessage {
  const vars = { name: mail.name, by: mail.invitedBy ?? '', until: formatDateTime(mail.expiresAt, lang) };
  return {
    to: mail.to,
    subject: t('account.mail.inviteSubject'),
    text: [
      t('account.mail.greeting', vars),
      '',
      t('account.mail.inviteBody', vars),
      '',
      mail.url,
      '',
      t('account.mail.validUntil', vars),
      t('account.mail.inviteIgnore'),
    ].join('\n'),
  };
}

export function resetMail(t: TFunction, lang: Lang, mail: LinkMail): MailMessage {
  const vars = { name: mail.name, until: formatDateTime(mail.expiresAt, lang) };
  return {
    to: mail.to,
    subject: t('account.mail.resetSubject'),
    text: [
      t('account.mail.greeting', vars),
      '',
      t('account.mail.resetBody'),
      '',
      mail.url,
      '',
      t('account.mail.validUntil', vars),
      t('account.mail.resetIgnore'),
    ].join('\n'),
  };
}
