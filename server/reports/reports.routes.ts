import { Router } from 'express';
import { requireRole } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { csrfOnlyBody } from '../lib/form-fields.js';
import {
  chartParams,
  chartQuery,
  editTargetBody,
  reportQuery,
  tableParams,
  targetBody,
  targetParams,
  tokenBody,
  tokenParams,
} from './reports.schemas.js';
import { apiAccess } from './api-access.js';
import * as reports from './reports.controller.js';
import * as targets from './targets.controller.js';
import * as tokens from './tokens.controller.js';

export const reportsRouter = Router();
// The reports are for the incubator's staff and the city's viewers; investors see their deal flow instead.
const readers = requireRole('admin', 'staff', 'viewer');
const admin = requireRole('admin');
const form = { formView: true };

reportsRouter.get('/reports', readers, validate({ query: reportQuery }), reports.dashboard);
reportsRouter.get('/reports/quarterly', readers, validate({ query: reportQuery }), reports.quarterly);
reportsRouter.get(
  '/reports/charts/:chart.svg',
  readers,
  validate({ params: chartParams, query: chartQuery }),
  reports.chart,
);
reportsRouter.get('/reports/:table.csv', readers, validate({ params: tableParams, query: reportQuery }), reports.csv);
// The read-only JSON API: a bearer token or a reader's session (server/reports/api-access.ts).
reportsRouter.get(
  '/api/v1/reports/:table',
  apiAccess,
  validate({ params: tableParams, query: reportQuery }),
  reports.api,
);

reportsRouter.get('/admin/targets', admin, targets.index);
reportsRouter.get('/admin/targets/new', admin, targets.newForm);
reportsRouter.post('/admin/targets', admin, validate({ body: targetBody }, form), targets.create);
reportsRouter.get('/admin/targets/:targetId/edit', admin, validate({ params: targetParams }), targets.editForm);
reportsRouter.post(
  '/admin/targets/:targetId',
  admin,
  validate({ params: targetParams, body: editTargetBody }, form),
  targets.update,
);

reportsRouter.get('/admin/tokens', admin, tokens.index);
reportsRouter.post('/admin/tokens', admin, validate({ body: tokenBody }, form), tokens.issue);
reportsRouter.post(
  '/admin/tokens/:tokenId/revoke',
  admin,
  validate({ params: tokenParams, body: csrfOnlyBody }),
  tokens.revoke,
);
