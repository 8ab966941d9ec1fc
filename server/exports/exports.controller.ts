import type { Request } from 'express';
import type { ImportKind } from '../../models/enums.js';
import { pipeline } from 'node:stream/promises';
import { csvHeaders } from '../lib/csv.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import type { ExportFormat, ExportMode } from './export-cells.js';
import type { firmExportQuery, investorExportQuery, roundExportQuery } from './exports.schemas.js';
import { firmExportFile, investorExportFile, roundExportFile } from './exports.service.js';

// The format asked for, in the page's language; the file named in that language too ("기업목록-2026-12-01.csv").
function modeOf(req: Request, res: AppResponse, kind: ImportKind, format: ExportFormat): ExportMode {
  const t = req.t;
  const local = [t(`exports.files.${kind}`), ...(format === 'codes' ? [t('exports.files.forImport')] : [])].join('-');
  csvHeaders(res, format === 'codes' ? `${kind}-codes` : kind, local);
  return { format, lang: res.locals.lang };
}

// GET /firms/export.csv — the firm list's filters, every matching firm, streamed
export async function firms(req: Request, res: Validated<{ query: typeof firmExportQuery }>) {
  const { format, ...query } = res.locals.input.query;
  const mode = modeOf(req, res, 'firms', format);
  await pipeline(firmExportFile(query, res.locals.lang, mode), res);
}

// GET /firms/rounds/export.csv — every funding round, streamed, participants in as many column groups as the widest
export async function rounds(req: Request, res: Validated<{ query: typeof roundExportQuery }>) {
  const mode = modeOf(req, res, 'rounds', res.locals.input.query.format);
  await pipeline(roundExportFile(mode), res);
}

// GET /investors/export.csv — the investor list's filters, every matching organisation with its thesis, streamed
export async function investors(req: Request, res: Validated<{ query: typeof investorExportQuery }>) {
  const { format, ...query } = res.locals.input.query;
  const mode = modeOf(req, res, 'investors', format);
  await pipeline(investorExportFile(query, mode), res);
}
