import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config.js';
import type { Logger } from '../lib/logger.js';

// One email: to whom, its subject and its plain-text body (every message here is text: links and a few lines).
export type MailMessage = { to: string; subject: string; text: string };

// What the app sends email through. `enabled` is false when SMTP is not configured: then nothing is sent and the pages
// say so (an admin copies the link instead).
export type Mailer = {
  readonly enabled: boolean;
  // true when the server accepted the message; false when sending failed (logged) or email is off.
  send: (message: MailMessage) => Promise<boolean>;
};

// The configuration decides: no SMTP settings, no email. A transport handed in (tests: a capturing one) replaces the
// SMTP connection the settings describe, but only when email is configured at all.
export function createMailer(mail: MailConfig | undefined, logger: Logger, transport?: Transporter): Mailer {
  if (!mail) return { enabled: false, send: () => Promise.resolve(false) };
  const transporter = transport ?? nodemailer.createTransport(mail.smtp);
  return {
    enabled: true,
    send: async (message) => {
      try {
        await transporter.sendMail({ from: mail.from, ...message });
        return true;
      } catch (err) {
        // The link still works when it is copied by hand; a mail server that is down must not undo the action.
        logger.error({ err, to: message.to, subject: message.subject }, 'email not sent');
        return false;
      }
    },
  };
}
