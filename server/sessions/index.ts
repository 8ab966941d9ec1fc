// Sessions: the store express-session reads and writes, the sweep of expired ones, and ending a user's sessions.
export { AppSessionStore } from './session-store.js';
export { saveSessionBeforeRedirect } from './save-before-redirect.js';
export { sweepExpiredSessions, startSessionSweeper, endSessionsOf } from './session-sweeper.js';
export { SESSIONS_COLLECTION } from '../../models/session.model.js';

export const SESSION_COOKIE = 'tipstown.sid';
