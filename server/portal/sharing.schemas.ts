import { z } from 'zod';
import { checkbox, csrfField, editVersionFields, optionalText } from '../lib/form-fields.js';

const UNKNOWN_ORG = 'portal.sharing.errors.unknownOrg';

// The checked organisations of the checkbox list: none, one (a lone string) or several, each an id, each once.
const orgList = z.preprocess(
  (v: unknown) =>
    v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]).filter((x) => x !== '') : [v],
  z
    .array(z.string({ error: UNKNOWN_ORG }).regex(/^[0-9a-f]{24}$/i, { error: UNKNOWN_ORG }))
    .max(1000, { error: UNKNOWN_ORG })
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
);

// POST /firms/:id/sharing — who sees the firm in the investor portal, and the summary they read. Versioned like every
// edit form (server/lib/edit-conflict.ts): the firm's version and the values the form showed travel with it.
export const sharingBody = z.strictObject({
  ...csrfField,
  ...editVersionFields,
  openToInvestors: checkbox,
  orgs: orgList,
  summaryKo: optionalText(2000),
  summaryEn: optionalText(2000),
});
export type SharingInput = z.infer<typeof sharingBody>;
