import type { Express } from 'express';
import ejs from 'ejs';
import { viewsDir } from './paths.js';

// The app's views: EJS templates in views/. They include each other by their path from that folder
// ('/partials/field'), which EJS resolves against `root` without asking the file system whether the file exists, as it
// does for every relative include (a board page has a hundred and more). EJS 7 reads no 'view options' setting, so the
// engine passes its options itself. Compiled templates are cached except in development (where an edited template
// shows on the next request): tests render pages the way production does, each template compiled once. Production
// templates are built without EJS's debugging aids (a line counter assigned before every statement, for the template
// line in an error); elsewhere a failing template still names its line.
export function useViews(
  app: Express,
  { env = 'development' }: { env?: 'development' | 'production' | 'test' } = {},
): void {
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('view cache', env !== 'development');
  const options = { root: viewsDir, cache: env !== 'development', compileDebug: env !== 'production' };
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data, options, done);
  });
}
