import { Router, type Request, type Response } from 'express';
import { requireLogin } from '../auth/index.js';
import { dashboardSummary } from './home.service.js';
import { followUpCounts } from '../matches/index.js';
import { seoulToday } from '../lib/dates.js';

export const homeRouter = Router();

// GET / — dashboard: cohort progress toward 60 resident firms; staff also see their follow-ups. Viewers go to /reports;
// investors to their deal flow (/portal): they see the firms shared with them, not the incubator's own figures.
homeRouter.get('/', requireLogin(), async (req: Request, res: Response) => {
  if (req.user!.role === 'viewer') return res.redirect('/reports');
  if (req.user!.role === 'investor') return res.redirect('/portal');
  const staff = req.user!.role === 'staff' || req.user!.role === 'admin';
  const [summary, followUps] = await Promise.all([
    dashboardSummary(),
    staff ? followUpCounts(req.user!.id, seoulToday()) : undefined,
  ]);
  res.render('home/index', { title: req.t('home.title'), summary, followUps });
});
