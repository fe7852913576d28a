import { XMLValidator, type XMLParser } from 'fast-xml-parser';
import { META, parser, parserWithoutPrefix } from './feed-xml-parser.ts';
import { htmlToText } from '../html-text.ts';

// Pure RSS 2.0 / RSS 1.0 (RDF) / Atom parsing: XML text in, items out. No I/O, so a broken or
// hostile document can be tested byte for byte, and the adapter only wraps errors.

export type FeedFormat = 'rss2' | 'rss1' | 'atom' | 'cdf';

export interface ParsedFeedItem {
  /** guid (RSS 2.0), rdf:about (RSS 1.0) or id (Atom), trimmed; null when absent or empty. */
  id: string | null;
  /** The item's link, absolute, with Google Alerts redirects unwrapped to their target. */
  link: string | null;
  /** Plain text. */
  title: string;
  /** Plain text of content / description / summary. */
  body: string;
  authorName: string | null;
  lang: string | null;
  /** Epoch ms of published / updated / pubDate / dc:date; null when absent or unparsable. */
  publishedAt: number | null;
  /** The `<item>…</item>` / `<entry>…</entry>` text exactly as in the document (JSON of the parsed item if slicing failed). */
  raw: string;
  /** True when `raw` is the exact slice of the document. */
  rawIsExact: boolean;
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  lang: string | null;
  items: ParsedFeedItem[];
}

/** The document is not a feed we can read: ill-formed XML, an HTML page, JSON, an empty body… */
export class FeedParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
  }
}

export interface ParseFeedOptions {
  /** Base for relative links (the URL the feed was fetched from, after redirects). */
  baseUrl?: string;
}

type XmlNode = Record<string | symbol, unknown>;

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** First child with one of `names` (elements may repeat; the first wins). */
function child(node: XmlNode, ...names: string[]): unknown {
  for (const name of names) {
    const v = node[name];
    if (v !== undefined) return asArray(v)[0];
  }
  return undefined;
}

function attr(node: unknown, name: string): string | null {
  if (!isNode(node)) return null;
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : null;
}

/** Text content of a simple element (attributes ignored); null when absent. */
function textOf(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (isNode(node)) {
    const t = node['#text'];
    if (typeof t === 'string' || typeof t === 'number') return String(t);
    return '';
  }
  return null;
}

function nonEmpty(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function parseDate(...candidates: (string | null)[]): number | null {
  for (const c of candidates) {
    const s = nonEmpty(c);
    if (!s) continue;
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  return null;
}

/** Collapses white space of a plain-text field (titles in RSS are plain text). */
function plain(s: string | null): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Google Alerts links are `https://www.google.com/url?rct=j&sa=t&url=<target>&ct=ga…`: the
 * evidence is the target, and the redirect would also tell Google who clicked.
 */
export function unwrapRedirect(link: string): string {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return link;
  }
  if (!/(^|\.)google\.[a-z.]+$/i.test(u.hostname) || u.pathname !== '/url') return link;
  const target = u.searchParams.get('url') ?? u.searchParams.get('q');
  if (!target) return link;
  try {
    const t = new URL(target);
    return t.protocol === 'http:' || t.protocol === 'https:' ? t.href : link;
  } catch {
    return link;
  }
}

function resolveLink(link: string | null, baseUrl: string | undefined): string | null {
  const l = nonEmpty(link);
  if (!l) return null;
  let absolute = l;
  try {
    absolute = new URL(l, baseUrl).href;
  } catch {
    // Relative without a base, or garbage: keep as written, it is still evidence.
  }
  return unwrapRedirect(absolute);
}

/** The element's exact text in `xml`, when the parser recorded where it starts and ends. */
function slice(xml: string, node: unknown, localName: string): string | null {
  if (!isNode(node)) return null;
  const meta = node[META] as { startIndex?: number; endIndex?: number } | undefined;
  const start = meta?.startIndex;
  const end = meta?.endIndex;
  if (typeof start !== 'number' || typeof end !== 'number' || end <= start) return null;
  const s = xml.slice(start, end);
  // Guard against offsets drifting (e.g. a parser change): only accept a slice that is the element.
  const open = new RegExp(`^<(?:[A-Za-z_][\\w.-]*:)?${localName}[\\s/>]`);
  return open.test(s) && s.endsWith('>') ? s : null;
}

function rawOf(xml: string, node: unknown, localName: string): { raw: string; rawIsExact: boolean } {
  const exact = slice(xml, node, localName);
  // U+0000 is not XML (the parser lets it through): such a slice is not the element as XML has
  // it, and PostgreSQL text cannot hold it — one such item would fail its whole page at every
  // poll. The parsed form is kept instead, where JSON writes the character as an escape.
  if (exact !== null && !exact.includes('\u0000')) return { raw: exact, rawIsExact: true };
  return { raw: JSON.stringify(node), rawIsExact: false };
}

/** Atom text constructs: `type="html"` is escaped HTML, `xhtml` is inline markup, `text` (default) is plain. */
function atomText(xml: string, node: unknown): string {
  if (node === undefined) return '';
  const type = (attr(node, 'type') ?? 'text').toLowerCase();
  if (
    type === 'xhtml' ||
    (isNode(node) && Object.keys(node).some((k) => !k.startsWith('@_') && k !== '#text'))
  ) {
    // Inline XHTML arrives as parsed elements: take the element's source text and strip its tags.
    const source = isNode(node) ? slice(xml, node, '[A-Za-z_][\\w.-]*') : null;
    if (source) return htmlToText(source.replace(/^<[^>]*>/, '').replace(/<\/[^>]*>$/, ''));
    return htmlToText(textOf(node) ?? '');
  }
  if (type === 'html' || type === 'text/html') return htmlToText(textOf(node) ?? '');
  return plain(textOf(node));
}

function rootOf(doc: XmlNode): { name: string; node: unknown } | null {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('?') || key.startsWith('#') || key.startsWith('@_')) continue;
    return { name: key, node: doc[key] };
  }
  return null;
}

function parseRss2(xml: string, root: XmlNode, opts: ParseFeedOptions): ParsedFeed {
  // Readers accept items placed straight under <rss> when <channel> is missing: so does Vigie.
  const inner = child(root, 'channel');
  const channel = isNode(inner) ? inner : root;
  const feedLang = nonEmpty(textOf(child(channel, 'language', 'dc:language')));
  const feedAuthor = nonEmpty(textOf(child(channel, 'managingEditor', 'dc:creator')));
  const items = asArray(channel['item']).map((item): ParsedFeedItem => {
    const it = isNode(item) ? item : {};
    const guid = nonEmpty(textOf(child(it, 'guid')));
    const link =
      resolveLink(textOf(child(it, 'link')), opts.baseUrl) ??
      // A permalink guid is the item's URL when there is no <link>.
      (guid && attr(child(it, 'guid'), 'isPermaLink') !== 'false' && /^https?:\/\//i.test(guid)
        ? resolveLink(guid, opts.baseUrl)
        : null);
    const html = textOf(child(it, 'content:encoded')) ?? textOf(child(it, 'description'));
    return {
      id: guid,
      link,
      title: plain(textOf(child(it, 'title'))),
      body: htmlToText(html ?? ''),
      authorName: nonEmpty(textOf(child(it, 'dc:creator', 'author'))) ?? feedAuthor,
      lang: nonEmpty(textOf(child(it, 'dc:language'))) ?? feedLang,
      publishedAt: parseDate(textOf(child(it, 'pubDate')), textOf(child(it, 'dc:date'))),
      ...rawOf(xml, item, 'item'),
    };
  });
  return { format: 'rss2', title: nonEmpty(plain(textOf(child(channel, 'title')))), lang: feedLang, items };
}

function parseRss1(xml: string, root: XmlNode, opts: ParseFeedOptions): ParsedFeed {
  // In RSS 1.0 the items are siblings of <channel>, children of <rdf:RDF>.
  const channel = child(root, 'channel', 'rss:channel');
  const ch = isNode(channel) ? channel : {};
  const feedLang = nonEmpty(textOf(child(ch, 'dc:language')));
  const items = asArray(root['item'] ?? root['rss:item']).map((item): ParsedFeedItem => {
    const it = isNode(item) ? item : {};
    return {
      id: nonEmpty(attr(it, 'rdf:about')),
      link: resolveLink(textOf(child(it, 'link', 'rss:link')), opts.baseUrl),
      title: plain(textOf(child(it, 'title', 'rss:title'))),
      body: htmlToText(
        textOf(child(it, 'content:encoded')) ?? textOf(child(it, 'description', 'rss:description')) ?? '',
      ),
      authorName: nonEmpty(textOf(child(it, 'dc:creator'))),
      lang: nonEmpty(textOf(child(it, 'dc:language'))) ?? feedLang,
      publishedAt: parseDate(textOf(child(it, 'dc:date'))),
      ...rawOf(xml, item, 'item'),
    };
  });
  return {
    format: 'rss1',
    title: nonEmpty(plain(textOf(child(ch, 'title', 'rss:title')))),
    lang: feedLang,
    items,
  };
}

/** The entry's web page: rel="alternate" (the default), preferring text/html, else any link. */
function atomLink(node: XmlNode): string | null {
  const links = asArray(node['link']);
  const alternates = links.filter((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
  const best =
    alternates.find((l) => (attr(l, 'type') ?? 'text/html').includes('html')) ?? alternates[0] ?? links[0];
  return attr(best, 'href') ?? nonEmpty(textOf(best));
}

function atomAuthor(node: XmlNode): string | null {
  for (const a of asArray(node['author'])) {
    const name = isNode(a) ? nonEmpty(textOf(child(a, 'name'))) : nonEmpty(textOf(a));
    if (name) return name;
  }
  return null;
}

function parseAtom(xml: string, root: XmlNode, opts: ParseFeedOptions): ParsedFeed {
  const feedLang = nonEmpty(attr(root, 'xml:lang'));
  const feedAuthor = atomAuthor(root);
  const items = asArray(root['entry']).map((entry): ParsedFeedItem => {
    const e = isNode(entry) ? entry : {};
    const content = child(e, 'content');
    // Out-of-line content (`<content src="…"/>`) has no text of its own: use the summary.
    const bodyNode = content !== undefined && attr(content, 'src') === null ? content : child(e, 'summary');
    return {
      id: nonEmpty(textOf(child(e, 'id'))),
      link: resolveLink(atomLink(e), attr(root, 'xml:base') ?? opts.baseUrl),
      title: atomText(xml, child(e, 'title')),
      body: atomText(xml, bodyNode),
      authorName: atomAuthor(e) ?? feedAuthor,
      lang: nonEmpty(attr(e, 'xml:lang')) ?? feedLang,
      publishedAt: parseDate(
        textOf(child(e, 'published')),
        textOf(child(e, 'updated')),
        textOf(child(e, 'issued')),
      ),
      ...rawOf(xml, entry, 'entry'),
    };
  });
  return { format: 'atom', title: nonEmpty(atomText(xml, child(root, 'title'))), lang: feedLang, items };
}

function readRoot(xml: string, p: XMLParser): { name: string; node: unknown } {
  let doc: unknown;
  try {
    doc = p.parse(xml);
  } catch (err) {
    throw new FeedParseError('unreadable XML (entity limits or structure)', { cause: err });
  }
  const root = isNode(doc) ? rootOf(doc) : null;
  if (!root) throw new FeedParseError('no root element');
  return root;
}

/** An element's child by name in any letter case (CDF is written in capitals, or not). */
function childCi(node: XmlNode, name: string): unknown {
  const key = Object.keys(node).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : child(node, key);
}

function attrCi(node: unknown, name: string): string | null {
  if (!isNode(node)) return null;
  const key = Object.keys(node).find((k) => k.toLowerCase() === `@_${name}`);
  return key === undefined ? null : attr(node, key.slice(2));
}

/** Microsoft's Channel Definition Format: <CHANNEL> holding <ITEM HREF="…"> (and nested channels). */
function parseCdf(xml: string, root: XmlNode, opts: ParseFeedOptions): ParsedFeed {
  const items: ParsedFeedItem[] = [];
  const walk = (channel: XmlNode, depth: number) => {
    for (const key of Object.keys(channel)) {
      const name = key.toLowerCase();
      if (name !== 'item' && name !== 'channel') continue;
      for (const n of asArray(channel[key])) {
        if (!isNode(n)) continue;
        if (name === 'channel') {
          if (depth < 10) walk(n, depth + 1);
          continue;
        }
        items.push({
          id: null,
          link: resolveLink(attrCi(n, 'href'), opts.baseUrl),
          title: plain(textOf(childCi(n, 'title'))),
          body: htmlToText(textOf(childCi(n, 'abstract')) ?? ''),
          authorName: null,
          lang: null,
          publishedAt: parseDate(attrCi(n, 'lastmod')),
          ...rawOf(xml, n, key),
        });
      }
    }
  };
  walk(root, 0);
  return { format: 'cdf', title: nonEmpty(plain(textOf(childCi(root, 'title')))), lang: null, items };
}

const VALIDATOR_CODES: Record<string, string> = {
  InvalidChar: 'unexpected character',
  InvalidTag: 'unclosed, mismatched or invalid tag',
  InvalidAttr: 'invalid attribute',
  InvalidXml: 'not well-formed',
};
const KNOWN_OTHER_ROOTS: Record<string, string> = {
  html: 'an HTML page',
  opml: 'an OPML outline, a list of feeds',
  svg: 'an SVG image',
};

/**
 * Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document. Throws FeedParseError with a readable reason
 * for anything else: ill-formed XML, an HTML page, JSON, an empty body, entity bombs.
 */
export function parseFeed(xml: string, opts: ParseFeedOptions = {}): ParsedFeed {
  if (xml.trim() === '') throw new FeedParseError('empty document');
  // The parser is lenient (it accepts unclosed tags); the validator is what rejects truncated XML.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    // The validator's own message quotes names and characters from the document: it is shown on
    // the dashboard, and the document may be anything a URL answered, so only its kind is said.
    const { code, line, col } = valid.err;
    const what = VALIDATOR_CODES[code] ?? 'not well-formed';
    throw new FeedParseError(`ill-formed XML: ${what} (line ${line}${col ? `, column ${col}` : ''})`);
  }
  let root = readRoot(xml, parser);
  let local = root.name.replace(/^[^:]*:/, '');
  if (root.name !== local && (local === 'rss' || local === 'feed')) {
    // A prefixed root (<r:rss xmlns:r="…">, <atom:feed>): its children carry the same prefix.
    root = readRoot(xml, parserWithoutPrefix(root.name.slice(0, -local.length - 1)));
    local = root.name;
  }
  const node = isNode(root.node) ? root.node : {};
  if (root.name === 'rss') return parseRss2(xml, node, opts);
  if (local === 'RDF') return parseRss1(xml, node, opts);
  if (root.name === 'feed') return parseAtom(xml, node, opts);
  if (local.toLowerCase() === 'channel') return parseCdf(xml, node, opts);
  const kind = KNOWN_OTHER_ROOTS[local.toLowerCase()];
  throw new FeedParseError(`the root element is not <rss>, <rdf:RDF> or <feed>${kind ? ` (${kind})` : ''}`);
}
