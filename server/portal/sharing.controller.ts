import type { Request } from 'express';
import { renderForm, handleForm, flash, type FormState } from '../lib/forms.js';
import { editFormValues } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { actorOf } from '../audit/index.js';
import * as sharing from './sharing.service.js';
import type { AppResponse, Validated, idParams } from '../lib/validate.js';
import { sharingBody } from './sharing.schemas.js';

// What views/portal/sharing-form.ejs is rendered with: the organisations to choose from, the form's values and errors,
// a conflict if any, and what is shared now.
type SharingPanel = Pick<FormState, 'values' | 'errors' | 'conflict'> & {
  firmId: string;
  orgs: sharing.OrgChoice[];
  sharedWithAll: boolean;
  sharedOrgCount: number;
};

function panelOf(form: sharing.SharingForm, state?: Partial<FormState>): SharingPanel {
  const stored = form.versioned.values as sharing.SharingValues;
  return {
    firmId: form.firm._id,
    orgs: form.orgs,
    sharedWithAll: stored.openToInvestors === 'true',
    sharedOrgCount: stored.orgs.length,
    values: state?.values ?? editFormValues(form.versioned),
    errors: state?.errors ?? {},
    conflict: state?.conflict,
  };
}

// The sharing panel of the firm page (server/firms/firms.controller.ts renders views/portal/sharing-summary.ejs inside
// views/firms/show.ejs): who sees the firm, and a link to the form.
export function sharingPanel(...args: Parameters<typeof sharing.sharingSummary>): Promise<sharing.SharingSummary> {
  return sharing.sharingSummary(...args);
}

function renderSharing(res: AppResponse, form: sharing.SharingForm, state?: Partial<FormState>) {
  const panel = panelOf(form, state);
  renderForm(res, 'portal/sharing', {
    title: nameIn(form.firm, res.locals.lang),
    firm: form.firm,
    sharing: panel,
    values: panel.values,
    errors: panel.errors,
    status: state?.status,
  });
}

// GET /firms/:id/sharing — the sharing form on its own page (where a reload after a rejected save lands)
export async function edit(req: Request, res: Validated<{ params: typeof idParams }>) {
  renderSharing(res, await sharing.sharingForm(res.locals.input.params.id));
}

// POST /firms/:id/sharing — save; a save over someone else's is merged (server/lib/edit-conflict.ts)
export async function update(req: Request, res: Validated<{ params: typeof idParams; body: typeof sharingBody }>) {
  const { id } = res.locals.input.params;
  const form = await sharing.sharingForm(id);
  await handleForm(res, {
    render: (state) => renderSharing(res, form, state),
    save: (input) => sharing.updateSharing(id, input, actorOf(req)),
    done: ({ changed }) => {
      flash(res, changed ? 'success' : 'info', req.t(changed ? 'portal.sharing.saved' : 'portal.sharing.unchanged'));
      res.redirect(`/firms/${id}#sharing`);
    },
    merge: {
      schema: sharingBody,
      valuesOf: sharing.sharingInputValues,
      current: async () => (await sharing.sharingForm(id)).versioned,
    },
  });
}
