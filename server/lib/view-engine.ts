import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import ejs, { type Options, type TemplateFunction } from 'ejs';
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
  app.locals.fragment = fragmentRenderer(options);
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data, options, done);
  });
}

// fragment('/audit/changes', { rows }): a partial drawn once per row of a long list (the changes of each audit entry, a
// firm's status badge per row), given only the locals it names. include() copies every local of the page for each call
// (some forty names, three times): about 13 µs a call, a sixth of the board's render when it was one include per card.
function fragmentRenderer(options: Options) {
  const compiled = new Map<string, TemplateFunction>();
  return (name: string, locals: Record<string, unknown>): string => {
    const file = path.join(viewsDir, `${name}.ejs`);
    let template = compiled.get(file);
    if (!template) {
      template = ejs.compile(readFileSync(file, 'utf8'), { ...options, filename: file });
      if (options.cache) compiled.set(file, template);
    }
    return template(locals);
  };
}
