import type { Request } from 'express';
import type { AppResponse, Validated } from '../lib/validate.js';
import type { notificationsQuery } from './notifications.schemas.js';
import { flash } from '../lib/forms.js';
import { markAllRead, notificationsPage } from './notifications.service.js';
import { notificationText } from './notification-text.js';

// GET /notifications — the signed-in user's notices, newest first, each a sentence linking to its match
export async function index(req: Request, res: Validated<{ query: typeof notificationsQuery }>) {
  const { query } = res.locals.input;
  const { lang } = res.locals;
  const page = await notificationsPage(req.user!.id, query);
  const items = page.rows.map((n) => ({
    ...n,
    text: notificationText(
      n,
      { firm: page.firms.get(String(n.firm)), investor: page.investors.get(String(n.investor)) },
      req.t,
      lang,
    ),
  }));
  res.render('notifications/index', { title: req.t('notifications.title'), items, page, query });
}

// POST /notifications/read — mark them all read (the bell's count goes back to zero)
export async function readAll(req: Request, res: AppResponse) {
  await markAllRead(req.user!.id);
  flash(res, 'success', req.t('notifications.allRead'));
  res.redirect('/notifications');
}
