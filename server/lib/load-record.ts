import type { NextFunction, Request } from 'express';
import { NotFound } from './app-error.js';
import type { Named } from './names.js';
import { objectId, type AppResponse } from './validate.js';

// The `load` middleware of Express's route-separation example: the record the route's :id names, found by `find`
// (which throws NotFound when there is none), goes into res.locals[key]; an id that is not one is a 404 too. Routes
// nested under a record (/firms/:id/rounds/…) run behind it, after their role guard.
// What a page nested under a record needs of it: its id (for links) and names (for the title).
export type NamedRecord = Named & { _id: unknown };

export function loadRecord<K extends string, T>(key: K, find: (id: string) => Promise<T>) {
  return async (req: Request, res: AppResponse<Record<K, T>>, next: NextFunction): Promise<void> => {
    const id = objectId.safeParse(req.params.id);
    if (!id.success) throw NotFound(key);
    Object.assign(res.locals, { [key]: await find(id.data) });
    next();
  };
}
