// The tags of an SVG document that are not well-formed XML (an attribute value with a stray quote, a bare '&'): a
// browser shows such an <img> as broken. Enough for the charts' generated markup; not a general XML parser.
export function malformedTags(svg: string): string[] {
  const tag = /^<\/?[A-Za-z][\w:.-]*(\s+[\w:.-]+="[^"<]*")*\s*\/?>$/;
  const bareAmpersand = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  return [...svg.matchAll(/<[^>]*>/g)]
    .map((m) => m[0])
    .filter((t) => !t.startsWith('<?') && !t.startsWith('<!') && (!tag.test(t) || bareAmpersand.test(t)));
}
