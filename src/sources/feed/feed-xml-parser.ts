import { XMLParser } from 'fast-xml-parser';

// The one XML parser configuration of feeds, with its safety limits.

// Tight entity limits: a feed has no business declaring entities, and a "billion laughs" or
// quadratic-blowup DOCTYPE must cost kilobytes, not gigabytes. External entities (SYSTEM) are
// refused by fast-xml-parser itself; it never fetches anything. Declared entities whose value holds
// markup or other references are not expanded at all (fast-xml-parser blocks them), which is what
// defuses nested bombs; the limits below bound the flat ones.
const entityLimits = {
  enabled: true,
  maxEntityCount: 20,
  maxEntitySize: 1_000,
  maxExpansionDepth: 2,
  maxTotalExpansions: 1_000,
  maxExpandedLength: 100_000,
  // Count only entities the document declares: a long feed legitimately has thousands of &amp;.
  // (Read by fast-xml-parser 5.12's options builder but missing from its .d.ts, hence no literal.)
  appliesTo: 'external',
};
const parserOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Decodes numeric character references (&#39;) as XML requires, and tolerates &nbsp; in sloppy feeds.
  htmlEntities: true,
  processEntities: entityLimits,
  // Start and end offsets of every element, so each item's raw text is sliced from the original.
  captureMetaData: true,
  maxNestedTags: 200,
};
export const parser = new XMLParser(parserOptions);

/** A parser reading `<p:rss>` or `<p:feed>` as if unprefixed (the root's own prefix is dropped everywhere). */
export function parserWithoutPrefix(prefix: string): XMLParser {
  const cut = `${prefix}:`;
  return new XMLParser({
    ...parserOptions,
    transformTagName: (name: string) => (name.startsWith(cut) ? name.slice(cut.length) : name),
  });
}
// Typed as the boxed `Symbol` in the .d.ts; it is a primitive symbol at runtime.
export const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
