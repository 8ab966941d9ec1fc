// The EJS functions the app calls itself (server/lib/view-engine.ts: the view engine and fragments; server/lib/kept-html.ts:
// the escaping of a token filled into kept HTML); EJS 7 ships no types.
declare module 'ejs' {
  export type Options = { root?: string; cache?: boolean; compileDebug?: boolean; filename?: string };
  export type TemplateFunction = (locals: object) => string;
  const ejs: {
    renderFile(file: string, data: object, options: Options, done: (err: Error | null, html?: string) => void): void;
    compile(template: string, options: Options): TemplateFunction;
    escapeXML(text: string): string;
  };
  export default ejs;
}
