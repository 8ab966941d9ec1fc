import type { Express } from 'express';
import ejs from 'ejs';
import { viewsDir } from './paths.js';

// The app's views: EJS templates in views/. They include each other by their path from that folder
// ('/partials/field'), which EJS resolves against `root` without asking the file system whether the file exists, as it
// does for every relative include (a board page has a hundred and more). EJS 7 reads no 'view options' setting, so the
// engine passes its options itself. When Express caches views (in production), compiled templates are cached and built
// without EJS's debugging aids (a line counter assigned before every statement, for the template line in an error);
// in development and tests a failing template still names its line.
export function useViews(app: Express): void {
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    const production = Boolean(app.get('view cache'));
    ejs.renderFile(file, data, { root: viewsDir, cache: production, compileDebug: !production }, done);
  });
}
