import type { TFunction } from 'i18next';
import type { SessionUser } from '../auth/session-user.js';
import type { FieldErrors } from '../lib/app-error.js';
import type { PageLocals } from '../lib/view-locals.js';
import type { Lang } from '../lib/money.js';

type FlashMessage = { kind: 'success' | 'error' | 'info' | 'warning'; message: string };

declare global {
  namespace Express {
    interface User extends SessionUser {}
    interface Request {
      t: TFunction;
      language: string;
      // server/lib/i18n.ts: the translation function of another language (an export in the language asked for).
      translatorIn: (lang: Lang) => TFunction;
      // server/auth/passport.ts: the session's account was found deactivated on this request (it is signed out).
      signedOut?: 'deactivated';
    }
    // What the app's middleware puts in res.locals (handlers see them typed through AppResponse and Validated,
    // server/lib/validate.ts; a route's parsed input is typed per handler, not here). Optional where an error page may
    // be rendered before the middleware that sets it ran.
    interface Locals extends PageLocals {
      // i18next-http-middleware
      t: TFunction;
      user?: SessionUser;
      flash?: FlashMessage[];
      // server/lib/csrf.ts: the token for forms; on an upload route, the check left until its body is parsed.
      csrfToken?: string;
      csrfChecked?: true;
      csrfValid?: () => boolean;
      // server/lib/validate.ts with formView: the body's field errors, for the form to show again.
      bodyErrors?: FieldErrors;
      // server/imports: why a multipart upload was refused.
      uploadError?: string;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: FlashMessage[];
  }
}

export {};
