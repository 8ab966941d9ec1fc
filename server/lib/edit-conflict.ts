import { AppError } from './app-error.js';
import type { FormValues } from './three-way-merge.js';

// Optimistic concurrency, one design for every editable record (firm, investor, round, person, user):
// - the edit form carries the version it was loaded at (_version, the record's __v) and the values it showed (_base);
// - the service writes only while the stored __v still equals _version, and increments it (atVersion + nextVersion);
//   otherwise it throws editConflict;
// - the form layer (handleForm in forms.ts) merges the user's values with the stored ones (three-way-merge.ts): when
//   nobody changed a field the other did, the merge is saved at once; otherwise the form comes back (409) with the
//   fields both changed flagged (views/partials/edit-conflict.ejs).

const EDIT_CONFLICT = 'edit_conflict';

// Who saved the record since the editor loaded it (from the audit log), shown beside the merged form.
export type Editor = { email: string; at: Date };
// `conflict: true` also tells the CSV import's failure reason to give the message only.
export type EditConflictDetails = { conflict: true; by: Editor[] };

export const editConflict = (by: Editor[]) =>
  new AppError(409, EDIT_CONFLICT, 'edited by someone else', { conflict: true, by } satisfies EditConflictDetails);

export function isEditConflict(err: unknown): err is AppError & { details: EditConflictDetails } {
  return err instanceof AppError && err.code === EDIT_CONFLICT;
}

// The version of a stored record; records written before they carried one count as version 0.
export const versionOf = (doc: { __v?: number | null }): number => doc.__v ?? 0;

// Filter condition: the record is still at `version`.
export const atVersion = (version: number) => ({ __v: version === 0 ? { $in: [0, null] } : version });

// An update writing $set and, when it has any, $unset (the server refuses an empty $unset).
export function setAndUnset({ $set, $unset = {} }: { $set: Record<string, unknown>; $unset?: Record<string, 1> }) {
  return { $set, ...(Object.keys($unset).length ? { $unset } : {}) };
}

// The update that writes $set/$unset and moves the record to its next version.
export function nextVersion($set: Record<string, unknown>, $unset: Record<string, 1> = {}) {
  return { ...setAndUnset({ $set, $unset }), $inc: { __v: 1 } };
}

// For $set/$unset: empty leaves (undefined/null) are unset rather than stored as null; nested objects by dotted path.
export function splitSetUnset(
  record: Record<string, unknown>,
  prefix = '',
): { $set: Record<string, unknown>; $unset: Record<string, 1> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  for (const [k, v] of Object.entries(record)) {
    const key = prefix + k;
    if (v === undefined || v === null) $unset[key] = 1;
    else if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !('toHexString' in v)) {
      const inner = splitSetUnset(v as Record<string, unknown>, `${key}.`);
      Object.assign($set, inner.$set);
      Object.assign($unset, inner.$unset);
    } else $set[key] = v;
  }
  return { $set, $unset };
}

// A stored record as its edit form shows it, and the version it is at.
export type Versioned = { version: number; values: FormValues };

// The values an edit form starts from, with the version and base values it will be saved against.
export const editFormValues = ({ version, values }: Versioned): Record<string, unknown> => ({
  ...values,
  _version: String(version),
  _base: JSON.stringify(values),
});
