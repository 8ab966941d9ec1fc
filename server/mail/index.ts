// Outgoing email (nodemailer over SMTP when configured) and the messages the app sends.
export { createMailer, type Mailer } from './mailer.js';
export { invitationMail, resetMail } from './account-messages.js';
