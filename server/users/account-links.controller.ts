import type { Request } from 'express';
import { actorOf } from '../audit/index.js';
import { fieldErrorsOf, flash, renderForm } from '../lib/forms.js';
import type { AppResponse, Validated, idParams } from '../lib/validate.js';
import { inFlight } from '../lib/in-flight.js';
import type { AccountLinkKind } from '../../models/enums.js';
import * as links from './account-links.service.js';
import type { LinkProblem } from './account-link-rules.js';
import type { forgotBody, linkParams, setPasswordBody } from './users.schemas.js';
import { renderAccountPage } from './users.controller.js';
import { baseUrl } from '../lib/base-url.js';
import { deliverToAdmin, sendLink, type AccountLinkDeps } from './account-link-delivery.js';

// POST /admin/users/:id/invitation and /admin/users/:id/reset-link — issue a link (an earlier one stops working) and
// show it on the user's page; refused (back to the page with why) when it does not fit the account.
export function issueLink(kind: AccountLinkKind, deps: AccountLinkDeps) {
  return async (req: Request, res: Validated<{ params: typeof idParams }>) => {
    const { id } = res.locals.input.params;
    const issue = () =>
      kind === 'invite' ? links.issueInvitation(id, actorOf(req)) : links.issueResetLink(id, actorOf(req));
    let issued: Awaited<ReturnType<typeof issue>>;
    try {
      issued = await issue();
    } catch (err) {
      const why = fieldErrorsOf(err).link?.[0] ?? 'account.access.cannotIssue';
      flash(res, 'error', req.t(why));
      return res.redirect(`/admin/users/${id}/edit`);
    }
    await renderAccountPage(res, id, await deliverToAdmin(req, deps, issued));
  };
}

// POST /admin/users/:id/revoke-link — the user's links that still work stop working
export async function revokeLink(req: Request, res: Validated<{ params: typeof idParams }>) {
  const { id } = res.locals.input.params;
  const revoked = await links.revokeLinks(id, actorOf(req));
  flash(
    res,
    revoked ? 'success' : 'info',
    req.t(revoked ? 'account.access.revoked' : 'account.access.nothingToRevoke'),
  );
  res.redirect(`/admin/users/${id}/edit`);
}

const VIEW: Record<AccountLinkKind, { title: string; intro: string }> = {
  invite: { title: 'account.invite.title', intro: 'account.invite.intro' },
  reset: { title: 'account.reset.title', intro: 'account.reset.intro' },
};

// A link that does not work: 410 with why, in the page's language, and whom to ask.
function renderInvalid(req: Request, res: AppResponse, kind: AccountLinkKind, problem: LinkProblem, canEmail: boolean) {
  res.status(410).render('auth/link-invalid', {
    title: req.t('account.link.invalidTitle'),
    kind,
    problem,
    canEmail,
  });
}

function renderSetPassword(
  req: Request,
  res: AppResponse,
  kind: AccountLinkKind,
  holder: links.LinkHolder,
  state: { errors?: Record<string, string[] | undefined>; status?: number } = {},
) {
  renderForm(res, 'auth/set-password', {
    title: req.t(VIEW[kind].title),
    intro: req.t(VIEW[kind].intro),
    kind,
    holder,
    action: req.originalUrl,
    values: {},
    ...state,
  });
}

// GET /account/invite/:token and /account/reset/:token — the form to choose a password, or why the link does not work
export function linkForm(kind: AccountLinkKind, deps: AccountLinkDeps) {
  return async (req: Request, res: Validated<{ params: typeof linkParams }>) => {
    // The token is a secret: the page is not cached, and no Referer carries it to another site.
    res.setHeader('Cache-Control', 'no-store');
    const check = await links.checkLink(kind, res.locals.input.params.token);
    if (!check.ok) return renderInvalid(req, res, kind, check.problem, deps.mailer.enabled);
    renderSetPassword(req, res, kind, check.holder);
  };
}

// POST /account/invite/:token and /account/reset/:token — set the password (the link is used up, every session of the
// user ends) and sign in
export function usePasswordLink(kind: AccountLinkKind, deps: AccountLinkDeps) {
  return async (req: Request, res: Validated<{ params: typeof linkParams; body: typeof setPasswordBody }>) => {
    res.setHeader('Cache-Control', 'no-store');
    const { token } = res.locals.input.params;
    const check = await links.checkLink(kind, token);
    if (!check.ok) return renderInvalid(req, res, kind, check.problem, deps.mailer.enabled);
    if (res.locals.bodyErrors)
      return renderSetPassword(req, res, kind, check.holder, { errors: res.locals.bodyErrors });
    const used = await links.useLink(kind, token, res.locals.input.body.newPassword);
    if (!used.ok) return renderInvalid(req, res, kind, used.problem, deps.mailer.enabled);
    // passport's req.login starts a new session (a new id) for the holder.
    await new Promise<void>((resolve, reject) =>
      req.login(used.user, (err?: Error | null) => (err ? reject(err) : resolve())),
    );
    flash(res, 'success', req.t(kind === 'invite' ? 'account.invite.done' : 'account.reset.done'));
    res.redirect('/');
  };
}

// GET /account/forgot — the address to send a reset link to; without email configured, whom to ask instead
export function forgotForm(deps: AccountLinkDeps) {
  return (req: Request, res: AppResponse) => {
    renderForm(res, 'auth/forgot', { title: req.t('account.forgot.title'), canEmail: deps.mailer.enabled, values: {} });
  };
}

// POST /account/forgot — the same answer whether or not the address has an account; a link is emailed only to an
// active account with a password, and only within the limits per address and per IP.
export function forgot(deps: AccountLinkDeps) {
  return async (req: Request, res: Validated<{ body: typeof forgotBody }>) => {
    const render = (status: number, errors = {}) =>
      renderForm(res, 'auth/forgot', {
        title: req.t('account.forgot.title'),
        canEmail: deps.mailer.enabled,
        values: req.body as Record<string, unknown>,
        errors,
        status,
      });
    if (!deps.mailer.enabled) return render(200);
    if (res.locals.bodyErrors) return render(422, res.locals.bodyErrors);
    const { email } = res.locals.input.body;
    if (await deps.limiter.admitResetRequest(email, req.ip ?? 'unknown')) {
      // Once the answer is sent: issuing a link and the mail server's round trip would otherwise make the answer for
      // an address with an account slower than for one without, telling them apart. Held in flight, so a graceful stop
      // waits for the email.
      const answered = new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
      });
      inFlight.hold(
        answered
          .then(async () => {
            const issued = await links.requestResetLink(email);
            if (issued) await sendLink(req, deps, issued, baseUrl(req, deps.publicUrl) + issued.link.path);
          })
          .catch((err: unknown) => req.log?.error({ err }, 'password reset link not issued')),
      );
    }
    res.status(200).render('auth/forgot-sent', { title: req.t('account.forgot.title') });
  };
}
