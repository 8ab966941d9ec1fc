import type { Express } from 'express';
import ejs from 'ejs';
import { viewsDir } from './paths.js';

// The app's views: EJS templates in views/. They include each other by their path from that folder
// ('/partials/field'), which EJS resolves against `root` without asking the file system whether the file exists, as it
// does for every relative include (a board page has a hundred and more). EJS 7 reads no 'view options' setting, so the
// engine passes its options itself; compiled templates are cached when Express caches views (in production).
export function useViews(app: Express): void {
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data, { root: viewsDir, cache: Boolean(app.get('view cache')) }, done);
  });
}
