import type { RequestHandler } from 'express';

declare module 'passport' {
  interface Authenticator<InitializeRet, AuthenticateRet, AuthorizeRet, AuthorizeOptions> {
    // The local strategy with a custom callback (auth/auth.controller.ts): passport calls back with what the verify
    // function (auth/passport.ts) passed on and returns the middleware that runs the strategy; its own types say `any`.
    authenticate(
      strategy: 'local',
      callback: (err: Error | null, user: Express.User | false, info?: { message?: string }) => void,
    ): RequestHandler;
  }
}
