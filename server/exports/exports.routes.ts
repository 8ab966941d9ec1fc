import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { firmExportQuery, investorExportQuery, roundExportQuery } from './exports.schemas.js';
import * as exportsController from './exports.controller.js';

// Mounted before the firms and investors routers, whose /firms/:id and /investors/:id would otherwise take these paths.
// A file has no page to show a notice on, so a filter value that does not fit is refused (strictQuery) rather than
// silently dropped.
export const exportsRouter = Router();
const staff = requireRole(...STAFF);
const strict = { strictQuery: true };

exportsRouter.get('/firms/export.csv', staff, validate({ query: firmExportQuery }, strict), exportsController.firms);
exportsRouter.get(
  '/firms/rounds/export.csv',
  staff,
  validate({ query: roundExportQuery }, strict),
  exportsController.rounds,
);
exportsRouter.get(
  '/investors/export.csv',
  staff,
  validate({ query: investorExportQuery }, strict),
  exportsController.investors,
);
