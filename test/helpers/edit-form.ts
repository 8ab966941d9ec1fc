const unescapeHtml = (s: string) =>
  s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// What an edit page's form sends back when saved unchanged: the values it was loaded with (its hidden _base), that
// _base and the version (_version). Spread it and override the fields the "user" changes.
export function loadedForm(html: string): Record<string, unknown> {
  const baseJson = /name="_base" value="([^"]*)"/.exec(html)?.[1];
  const version = /name="_version" value="(\d+)"/.exec(html)?.[1];
  if (baseJson === undefined || version === undefined) throw new Error('not an edit form: no _base/_version');
  const base = JSON.parse(unescapeHtml(baseJson)) as Record<string, unknown>;
  return { ...base, _base: JSON.stringify(base), _version: version };
}

// The row of an edit conflict's table for one field (views/partials/edit-conflict.ejs), as text.
export function clashRow(html: string, field: string): string | undefined {
  const m = new RegExp(`<tr data-field="${field}">([\\s\\S]*?)</tr>`).exec(html);
  return m
    ? unescapeHtml(
        m[1]!
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      )
    : undefined;
}
