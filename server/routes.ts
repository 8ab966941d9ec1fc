import type { Router } from 'express';
import { homeRouter } from './home/home.routes.js';
import { usersRouter } from './users/index.js';
import { investorsRouter } from './investors/index.js';
import { auditRouter } from './audit/index.js';
import { firmsRouter } from './firms/firms.routes.js';
import { importsRouter, IMPORT_UPLOAD_PATH } from './imports/index.js';
import { exportsRouter } from './exports/exports.routes.js';

// Feature routers, mounted in this order after the auth routes (more specific paths first where they overlap).
export const featureRouters: Router[] = [homeRouter, usersRouter, investorsRouter, auditRouter, importsRouter, exportsRouter, firmsRouter];

// Paths whose POST takes a multipart upload; the CSRF guard refuses multipart bodies everywhere else.
export const uploadPaths: readonly string[] = [IMPORT_UPLOAD_PATH];
