import type { RequestHandler } from 'express';
import type { Role } from '../../models/enums.js';
import { Forbidden } from '../lib/app-error.js';
import { flash } from '../lib/forms.js';
import { rememberReturnTo } from './return-to.js';

// Anonymous visitors go to the login page and come back; signed-in users without the role get a 403.
export function requireLogin(): RequestHandler {
  return (req, res, next) => {
    if (req.user) return next();
    if (req.method === 'GET') rememberReturnTo(res, req.originalUrl, req.secure);
    if (req.signedOut === 'deactivated') flash(res, 'warning', req.t('auth.signedOutDeactivated'));
    res.redirect('/login');
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireLogin()(req, res, next);
    if (!roles.includes(req.user.role)) throw Forbidden();
    next();
  };
}

export const STAFF: Role[] = ['admin', 'staff'];
