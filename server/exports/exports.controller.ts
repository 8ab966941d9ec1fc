import type { Request } from 'express';
import { pipeline } from 'node:stream/promises';
import { csvHeaders, csvStream as csv } from '../lib/csv.js';
import type { firmListQuery } from '../firms/index.js';
import type { investorListQuery } from '../investors/index.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import {
  FIRM_EXPORT_COLUMNS,
  INVESTOR_EXPORT_COLUMNS,
  ROUND_EXPORT_COLUMNS,
  firmExportRows,
  investorExportRows,
  roundExportRows,
} from './exports.service.js';

// GET /firms/export.csv — the firm list's filters, every matching firm, streamed
export async function firms(req: Request, res: Validated<{ query: typeof firmListQuery }>) {
  csvHeaders(res, 'firms');
  await pipeline(firmExportRows(res.locals.input.query, res.locals.lang), csv(FIRM_EXPORT_COLUMNS), res);
}

// GET /firms/rounds/export.csv — every funding round, streamed
export async function rounds(req: Request, res: AppResponse) {
  csvHeaders(res, 'rounds');
  await pipeline(roundExportRows(), csv(ROUND_EXPORT_COLUMNS), res);
}

// GET /investors/export.csv — the investor list's filters, every matching organisation with its thesis, streamed
export async function investors(req: Request, res: Validated<{ query: typeof investorListQuery }>) {
  csvHeaders(res, 'investors');
  await pipeline(investorExportRows(res.locals.input.query), csv(INVESTOR_EXPORT_COLUMNS), res);
}
