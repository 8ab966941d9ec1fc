// Admin user management, one's own password, invitation and reset links; the account lookups signing in needs (passed
// to auth by app.ts).
export { checkCredentials, findActiveUserById, recordLogin } from './users.service.js';
export { usersRouter } from './users.routes.js';
