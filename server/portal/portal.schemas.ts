import { z } from 'zod';
import { PASS_REASONS } from '../../models/enums.js';
import { csrfField, optionalText } from '../lib/form-fields.js';
import { pageCursors } from '../lib/keyset.js';

// Interest and an introduction request are one button each: the token is all they carry.
export const answerBody = z.strictObject(csrfField);

// A pass says why (one of the reasons) and may say more in words.
export const passBody = z.strictObject({
  ...csrfField,
  reason: z.enum(PASS_REASONS, { error: 'portal.errors.reasonRequired' }),
  reasonText: optionalText(1000),
});

// The home page's list (shared with the organisation, or open to every investor) and its page links.
export const portalQuery = z.object({ ...pageCursors, list: z.enum(['shared', 'open']).optional().catch(undefined) });
