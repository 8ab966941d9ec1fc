// Signing in and out, who is signed in, and the guards every feature's routes start with.
export { authRouter } from './auth.routes.js';
export { configurePassport } from './passport.js';
export { requireLogin, requireRole, STAFF } from './require-role.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { LoginLimiter } from './login-limiter.js';
export type { CredentialCheck, SessionUser } from './session-user.js';
