import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate, idParams } from '../lib/validate.js';
import { loadRecord, type NamedRecord } from '../lib/load-record.js';
import { auditQuery, historyQuery } from './audit.schemas.js';
import * as audit from './audit.controller.js';

// Read-only: the log is append-only from the app, so there is no route that edits or deletes an entry.
export const auditRouter = Router();

auditRouter.get('/audit', requireRole('admin'), validate({ query: auditQuery }), audit.index);

type Loader = (id: string) => Promise<NamedRecord>;

// The full history of a firm (with its rounds, people and notes) and of an investor organisation, linked from their pages
// ("All history"). The records load through getFirm / getInvestor, handed in by server/routes.ts (firms and investors
// import the audit feature, not the reverse).
export function historyRouter({ getFirm, getInvestor }: { getFirm: Loader; getInvestor: Loader }): Router {
  const router = Router();
  const staff = requireRole(...STAFF);
  const input = validate({ params: idParams, query: historyQuery });
  router.get('/firms/:id/history', staff, input, loadRecord('record', getFirm), audit.firmHistory);
  router.get('/investors/:id/history', staff, input, loadRecord('record', getInvestor), audit.investorHistory);
  return router;
}
