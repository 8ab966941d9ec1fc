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
// The template's headers: column codes (no language), or Korean or English labels.
export const templateQuery = z.object({ lang: z.enum(['ko', 'en']).optional() });
export const batchParams = z.strictObject({ batchId: objectId });

// The mapping form: one select per column of the file, in file order ('' = ignore); which values a kind allows is
// checked by the controller.
export const mappingBody = z.strictObject({
  ...csrfField,
  columns: z.preprocess(
    (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
    z.array(z.string().max(60)).max(1000),
  ),
});
// Reading the stored file as another kind ("this looks like a rounds file").
export const kindBody = z.strictObject({ ...csrfField, kind: z.enum(IMPORT_KINDS) });
// Applying: every row, or (skipErrors) the valid rows without the rows with errors.
export const applyBody = z.strictObject({ ...csrfField, skipErrors: z.enum(['true']).optional() });
