import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { nameIn } from '../lib/names.js';
import type { AppResponse, Validated, idParams } from '../lib/validate.js';
import { actorOf } from '../audit/index.js';
import * as portal from './portal.service.js';
import type { answerBody, passBody, portalQuery } from './portal.schemas.js';

type FirmRoute = { params: typeof idParams };
const langOf = (res: AppResponse) => res.locals.lang;
// The signed-in investor's organisation: every portal read and answer is for it alone.
const orgOf = (req: Request) => req.user?.investorOrg;
const actorWithName = (req: Request) => ({ ...actorOf(req), name: req.user!.name });

// GET /portal — the firms shared with the user's organisation (those open to every investor a page at a time), and its
// matches
export async function home(req: Request, res: Validated<{ query: typeof portalQuery }>) {
  const { query } = res.locals.input;
  res.render('portal/index', {
    title: req.t('portal.title'),
    query,
    ...(await portal.portalHome(orgOf(req), langOf(res), query)),
  });
}

async function renderProfile(req: Request, res: AppResponse, id: string, state?: Partial<FormState>) {
  const profile = await portal.portalProfile(id, orgOf(req), langOf(res));
  renderForm(res, 'portal/show', {
    title: nameIn(profile, langOf(res)),
    profile,
    values: state?.values ?? {},
    errors: state?.errors,
    status: state?.status,
  });
}

// GET /portal/firms/:id — one shared firm's profile
export async function show(req: Request, res: Validated<FirmRoute>) {
  await renderProfile(req, res, res.locals.input.params.id);
}

// GET /portal/firms/:id/pass — back to the profile
export async function backToProfile(req: Request, res: Validated<FirmRoute>) {
  const { id } = res.locals.input.params;
  await portal.assertShared(id, orgOf(req));
  res.redirect(`/portal/firms/${id}#respond`);
}

// POST /portal/firms/:id/interest and /intro-request — one button each
export const answer =
  (kind: 'interest' | 'intro-request') =>
  async (req: Request, res: Validated<FirmRoute & { body: typeof answerBody }>) => {
    const { id } = res.locals.input.params;
    const changed = await portal.respond(id, orgOf(req), { kind }, actorWithName(req));
    flash(res, 'success', req.t(changed ? `portal.flash.${kind}` : 'portal.flash.already'));
    res.redirect(`/portal/firms/${id}`);
  };

// POST /portal/firms/:id/pass — a pass needs a reason; without one the profile comes back (422) with the error
export async function pass(req: Request, res: Validated<FirmRoute & { body: typeof passBody }>) {
  const { id } = res.locals.input.params;
  await handleForm(res, {
    render: (state) => renderProfile(req, res, id, state),
    save: (input) =>
      portal.respond(
        id,
        orgOf(req),
        { kind: 'pass', reason: input.reason, reasonText: input.reasonText },
        actorWithName(req),
      ),
    done: () => {
      flash(res, 'success', req.t('portal.flash.pass'));
      res.redirect(`/portal/firms/${id}`);
    },
  });
}
