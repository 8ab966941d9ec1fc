import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { findActiveUserById, checkCredentials } from '../users/index.js';

export function configurePassport(): passport.PassportStatic {
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      checkCredentials(email, password).then((user) => done(null, user ?? false), done);
    }),
  );
  // The session holds the user id only; the user is loaded fresh on every request (role or deactivation apply at once).
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id: string, done) => {
    findActiveUserById(id).then((user) => done(null, user ?? false), done);
  });
  return passport;
}
