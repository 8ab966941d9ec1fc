import { Router } from 'express';
import { requireRole, STAFF } from '../auth/require-role.js';
import { validate } from '../lib/validate.js';
import { firmListQuery } from '../firms/firms.schemas.js';
import * as exportsController from './exports.controller.js';

// Mounted before the firms router, whose /firms/:id would otherwise take these paths.
export const exportsRouter = Router();
const staff = requireRole(...STAFF);

exportsRouter.get('/firms/export.csv', staff, validate({ query: firmListQuery }), exportsController.firms);
exportsRouter.get('/firms/rounds/export.csv', staff, exportsController.rounds);
