import type { Request } from 'express';
import type { LoginLimiter } from '../auth/index.js';
import { baseUrl } from '../lib/base-url.js';
import { toLang } from '../lib/i18n.js';
import { invitationMail, resetMail, type Mailer } from '../mail/index.js';
import type { AccountLinkKind } from '../../models/enums.js';
import type * as links from './account-links.service.js';

export type AccountLinkDeps = { mailer: Mailer; limiter: LoginLimiter; publicUrl?: string };

// What the admin's page shows of a link just issued: the whole address to copy, until when, and whether it was emailed.
export type ShownLink = { kind: AccountLinkKind; url: string; expiresAt: Date; mail: 'sent' | 'failed' | 'off' };

// Emails a link in the language of the page it was issued from (the inviting admin's, or the one asking for a reset).
export async function sendLink(
  req: Request,
  deps: AccountLinkDeps,
  issued: { link: links.IssuedLink; holder: links.LinkHolder },
  url: string,
): Promise<boolean> {
  if (!deps.mailer.enabled) return false;
  const lang = toLang(req.language);
  const mail = { to: issued.holder.email, name: issued.holder.name, url, expiresAt: issued.link.expiresAt };
  return deps.mailer.send(
    issued.link.kind === 'invite'
      ? invitationMail(req.t, lang, { ...mail, invitedBy: req.user?.name })
      : resetMail(req.t, lang, mail),
  );
}

// An admin's link: emailed when email is configured, and shown on the user's page either way.
export async function deliverToAdmin(
  req: Request,
  deps: AccountLinkDeps,
  issued: { link: links.IssuedLink; holder: links.LinkHolder },
): Promise<ShownLink> {
  // Links in emails always use the configured address (the request's Host is not to be trusted there).
  const url = baseUrl(req, deps.publicUrl) + issued.link.path;
  const sent = await sendLink(req, deps, issued, url);
  const mail = !deps.mailer.enabled ? 'off' : sent ? 'sent' : 'failed';
  return { kind: issued.link.kind, url, expiresAt: issued.link.expiresAt, mail };
}
