import { Router } from 'express';
import { requireRole, STAFF } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { firmListQuery } from '../firms/index.js';
import { investorListQuery } from '../investors/index.js';
import * as exportsController from './exports.controller.js';

// Mounted before the firms and investors routers, whose /firms/:id and /investors/:id would otherwise take these paths.
export const exportsRouter = Router();
const staff = requireRole(...STAFF);

exportsRouter.get('/firms/export.csv', staff, validate({ query: firmListQuery }), exportsController.firms);
exportsRouter.get('/firms/rounds/export.csv', staff, exportsController.rounds);
exportsRouter.get('/investors/export.csv', staff, validate({ query: investorListQuery }), exportsController.investors);
