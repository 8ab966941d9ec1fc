import type { Request } from 'express';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { actorOf } from '../audit/index.js';
import { baseUrl } from '../lib/base-url.js';
import { seoulToday } from '../lib/dates.js';
import { issueToken, listTokens, revokeToken } from './api-tokens.service.js';
import type { tokenBody, tokenParams } from './reports.schemas.js';

type Tokens = Awaited<ReturnType<typeof listTokens>>;

function renderTokens(
  res: AppResponse,
  tokens: Tokens,
  locals: Partial<FormState> & { values: Record<string, unknown>; issued?: { name: string; token: string } },
) {
  // A page that may show a new token is never cached or stored.
  res.setHeader('Cache-Control', 'no-store');
  const { req } = res;
  // The example call goes to the address the admin is using now, for today.
  const apiExample = `${baseUrl(req)}/api/v1/reports/targets?as_of=${seoulToday()}`;
  renderForm(res, 'reports/tokens', {
    title: req.t('reports.tokens.title'),
    tokens,
    issued: undefined,
    apiExample,
    ...locals,
  });
}

// GET /admin/tokens — the reports API's tokens and the form to issue one
export async function index(req: Request, res: AppResponse) {
  renderTokens(res, await listTokens(), { values: {} });
}

// POST /admin/tokens — issue a token: shown once, in this answer (stored only as its hash, never put in the session)
export async function issue(req: Request, res: Validated<{ body: typeof tokenBody }>) {
  await handleForm(res, {
    render: async (state) => renderTokens(res, await listTokens(), state),
    save: async (input) => ({
      issued: { ...(await issueToken(input.name, actorOf(req))), name: input.name },
      tokens: await listTokens(),
    }),
    done: ({ issued, tokens }) => renderTokens(res, tokens, { values: {}, issued }),
  });
}

// POST /admin/tokens/:tokenId/revoke — revoke at once (its next request is a 401)
export async function revoke(req: Request, res: Validated<{ params: typeof tokenParams; body: typeof csrfOnlyBody }>) {
  await revokeToken(res.locals.input.params.tokenId, actorOf(req));
  flash(res, 'success', req.t('reports.tokens.revoked'));
  res.redirect('/admin/tokens');
}
