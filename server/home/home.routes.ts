import { Router, type Request, type Response } from 'express';
import { requireLogin } from '../auth/require-role.js';
import { dashboardSummary } from './home.service.js';

export const homeRouter = Router();

// GET / — dashboard: cohort progress toward 60 resident firms, for every role
homeRouter.get('/', requireLogin(), async (req: Request, res: Response) => {
  res.render('home/index', { title: req.t('home.title'), summary: await dashboardSummary() });
});
