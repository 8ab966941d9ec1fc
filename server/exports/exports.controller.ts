import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { seoulToday } from '../lib/dates.js';
import type { FirmListQuery } from '../firms/firms.schemas.js';
import { FIRM_EXPORT_COLUMNS, ROUND_EXPORT_COLUMNS, firmExportRows, roundExportRows } from './exports.service.js';

function csvHeaders(res: Response, name: string) {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${seoulToday().replaceAll('-', '')}.csv"`);
  res.setHeader('Cache-Control', 'no-store');
}

// A BOM first, so Excel opens the UTF-8 (and the Korean in it) correctly; CRLF line ends as Excel writes them.
// Every cell but a plain number is quoted: Excel where ';' separates cells would otherwise split a bare "x;=cmd…" and
// run the part after the ';' as a formula (the ' prefix only guards a cell's first character).
const csv = (columns: string[]) => stringify({ header: true, columns, bom: true, record_delimiter: 'windows', quoted_match: /\D/ });

// GET /firms/export.csv — the firm list's filters, every matching firm, streamed
export async function firms(req: Request, res: Response) {
  csvHeaders(res, 'firms');
  await pipeline(firmExportRows(res.locals.input.query as FirmListQuery, res.locals.lang), csv(FIRM_EXPORT_COLUMNS), res);
}

// GET /firms/rounds/export.csv — every funding round, streamed
export async function rounds(req: Request, res: Response) {
  csvHeaders(res, 'rounds');
  await pipeline(roundExportRows(), csv(ROUND_EXPORT_COLUMNS), res);
}
