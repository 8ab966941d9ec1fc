import { z } from 'zod';
import { IMPORT_KINDS } from '../../models/enums.js';
import { csrfField } from '../lib/form-fields.js';
import { objectId } from '../lib/validate.js';

// The upload form's fields (the file itself comes through multer as req.file).
export const uploadBody = z.strictObject({
  ...csrfField,
  kind: z.enum(IMPORT_KINDS, { error: 'imports.fileErrors.kind' }),
});
export const templateParams = z.strictObject({ kind: z.enum(IMPORT_KINDS) });
export const batchParams = z.strictObject({ batchId: objectId });
