import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

// One CSRF set-up (synchroniser token in the session; the token comes in the form field _csrf or the X-CSRF-Token header).
const tokenOf = (req: Request) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined);

// The app-wide check skips multipart forms: their fields exist only once the upload is parsed.
export const appCsrf = csrfSync({ getTokenFromRequest: tokenOf, skipCsrfProtection: (req) => Boolean(req.is('multipart/form-data')) });

// For an upload route, after multer: the same token check without the multipart exception.
export const uploadCsrf = csrfSync({ getTokenFromRequest: tokenOf }).csrfSynchronisedProtection;
