import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { AccountLookups, SessionUser } from './session-user.js';

export function configurePassport(
  accounts: Pick<AccountLookups, 'checkCredentials' | 'findActiveUserById'>,
): passport.PassportStatic {
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      // A refusal says why in info.message ('wrong' | 'deactivated'); the controller picks the message.
      accounts
        .checkCredentials(email, password)
        .then(
          (check) => (check.outcome === 'ok' ? done(null, check.user) : done(null, false, { message: check.outcome })),
          done,
        );
    }),
  );
  // The session holds the user id only; the user is loaded fresh on every request (role or deactivation apply at once).
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser(
    (req: IncomingMessage, id: string, done: (err: unknown, user?: SessionUser | false) => void) => {
      accounts.findActiveUserById(id).then((user) => {
        // Signed in, but the account has since been deactivated: the login page it is sent to says so.
        if (!user) (req as Request).signedOut = 'deactivated';
        done(null, user ?? false);
      }, done);
    },
  );
  return passport;
}
