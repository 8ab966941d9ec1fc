import mongoose from 'mongoose';
import nodemailer, { type Transporter } from 'nodemailer';

export type SentMail = { to: string; from: string; subject: string; text: string };

// A nodemailer transport that keeps what it is asked to send instead of talking to a server (a custom transport:
// nodemailer still builds every message), handed to the app through createApp's mailTransport.
// pause() holds every message back, as a slow mail server would, until the function it returns is called.
export function captureMail(): { transport: Transporter; sent: SentMail[]; pause: () => () => void } {
  const sent: SentMail[] = [];
  let gate: Promise<void> = Promise.resolve();
  const transport = nodemailer.createTransport({
    name: 'capture',
    version: '1',
    send(mail, done) {
      void gate.then(() => {
        // The app sends plain addresses and text (server/mail).
        const { to, from, subject, text } = mail.data as SentMail;
        sent.push({ to, from, subject, text });
        done(null, { envelope: mail.message.getEnvelope(), messageId: `capture-${sent.length}` });
      });
    },
  });
  const pause = () => {
    let release = () => {};
    gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      release();
      gate = Promise.resolve();
    };
  };
  return { transport, sent, pause };
}

// What a test environment needs for the app to consider email configured (the transport above replaces the server).
export const SMTP_ENV = {
  SMTP_HOST: 'smtp.test.invalid',
  SMTP_FROM: 'TIPS Town CRM <crm@test.invalid>',
  PUBLIC_URL: 'http://crm.test',
};

// The link in a captured message's text.
export function linkIn(text: string): string {
  const m = /https?:\/\/\S+\/account\/(?:invite|reset)\/[A-Za-z0-9_-]+/.exec(text);
  if (!m) throw new Error(`no account link in the message:\n${text}`);
  return m[0];
}

// Every document of every collection as text, to show that a link's token is stored nowhere.
export async function databaseText(): Promise<string> {
  const db = mongoose.connection.db!;
  const parts: string[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    parts.push(JSON.stringify(await db.collection(name).find({}).toArray()));
  }
  return parts.join('\n');
}
