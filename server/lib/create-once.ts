import { isDuplicateKey } from '../db/db-errors.js';

// A record created from a form that carries the id it will get (a hidden `newId`, made when the form was shown): the same
// form sent twice (a double click, a resend after a lost answer) meets its own record, and the second create is refused
// by the _id index before anything else is written. `create` gets the id fields to spread into the new document (none
// without a form's id). Undefined when the record was there already.
export async function createOnce<T>(
  newId: string | undefined,
  create: (id: { _id?: string }) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await create(newId ? { _id: newId } : {});
  } catch (err) {
    if (newId && isDuplicateKey(err)) return undefined;
    throw err;
  }
}
