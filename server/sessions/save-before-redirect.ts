import type { RequestHandler } from 'express';

// express-session stores a changed session while the response ends, but sends the headers first, and a browser follows
// a redirect as soon as they arrive: the next page could read the session before the notice of the save ("startup
// registered") was stored. A signed-in visitor's redirect therefore waits for the session to be stored. Visitors who have
// not signed in have nothing stored (nothing is saved before sign-in), so their redirects go at once.
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]) => {
    const session = req.session as (typeof req.session & { passport?: { user?: string } }) | undefined;
    if (!session?.passport?.user) return redirect(...args);
    session.save((err) => (err ? next(err) : redirect(...args)));
  };
  next();
};
