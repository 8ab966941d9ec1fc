import { isDuplicateKey } from '../db/db-errors.js';

// A record created from a form that carries the id it will get (a hidden `newId`, made when the form was shown): the same
// form sent twice (a double click, a resend after a lost answer) meets its own record, and the second create is refused
// by the _id index before anything else is written. `create` gets the id fields to spread into the new document (none
// without a form's id). Undefined when the record was there already. A duplicate on another unique index (a firm's
// registration number, a person's email) is not a second send: the model is asked whether the form's record exists, and
// otherwise the error goes on to the caller.
export async function createOnce<T>(
  model: { exists(filter: { _id: string }): PromiseLike<unknown> },
  newId: string | undefined,
  create: (id: { _id?: string }) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await create(newId ? { _id: newId } : {});
  } catch (err) {
    if (newId && isDuplicateKey(err) && (await model.exists({ _id: newId }))) return undefined;
    throw err;
  }
}
