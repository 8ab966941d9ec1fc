import type { Router } from 'express';
import { homeRouter } from './home/index.js';
import { investorsRouter, getInvestor } from './investors/index.js';
import { auditRouter, historyRouter } from './audit/index.js';
import { firmsRouter, getFirm } from './firms/index.js';
import { roundsRouter } from './rounds/index.js';
import { peopleRouter } from './people/index.js';
import { importsRouter, IMPORT_UPLOAD_PATH } from './imports/index.js';
import { exportsRouter } from './exports/index.js';
import { matchesRouter } from './matches/index.js';
import { notificationsRouter } from './notifications/index.js';
import { portalRouter, sharingRouter } from './portal/index.js';
import { reportsRouter } from './reports/reports.routes.js';

// Feature routers, mounted in this order after the auth and user routes (server/app.ts hands those their dependencies;
// more specific paths first where they overlap). A firm's
// rounds and people load their firm through getFirm, handed in here: firms imports them, so they do not import firms.
export const featureRouters: Router[] = [
  homeRouter,
  exportsRouter,
  investorsRouter,
  auditRouter,
  historyRouter({ getFirm, getInvestor }),
  importsRouter,
  matchesRouter,
  notificationsRouter,
  portalRouter,
  sharingRouter,
  reportsRouter,
  roundsRouter({ getFirm }),
  peopleRouter({ getFirm }),
  firmsRouter,
];

// Paths whose POST takes a multipart upload; the CSRF guard refuses multipart bodies everywhere else.
export const uploadPaths: readonly string[] = [IMPORT_UPLOAD_PATH];
