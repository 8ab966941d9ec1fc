import type { TFunction } from 'i18next';
import type { SessionUser } from '../auth/session-user.js';

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
    interface Request {
      t: TFunction;
      language: string;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: { kind: 'success' | 'error' | 'info' | 'warning'; message: string }[];
  }
}

export {};
