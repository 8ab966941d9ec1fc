import { z } from 'zod';
import { firmListQuery } from '../firms/index.js';
import { investorListQuery } from '../investors/index.js';
import { EXPORT_FORMATS } from './export-cells.js';

// ?format=labels (the default: headers and choices in the page's language) or ?format=codes (for re-import).
const format = z.preprocess((v) => (v === '' ? undefined : v), z.enum(EXPORT_FORMATS).default('labels'));

export const firmExportQuery = firmListQuery.extend({ format });
export const investorExportQuery = investorListQuery.extend({ format });
export const roundExportQuery = z.strictObject({ format });
