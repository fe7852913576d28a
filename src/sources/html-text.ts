// HTML → plain text for matching and display. Post HTML is attacker-written, so this is a linear
// scanner (no backtracking regex over tags, no DOM, nothing evaluated) that keeps what a reader sees:
// text, with paragraph breaks as newlines. Escaping for display happens later, at render time.

/** Elements whose content is not visible text; dropped with their content. */
const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object']);

/** Elements after (or before) which a reader sees a line break. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);

// The entities that occur in real feeds and posts; anything else is left as written (never guessed).
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
  lsquo: '\u2018',
  rsquo: '\u2019',
  sbquo: '\u201a',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bdquo: '\u201e',
  laquo: '\u00ab',
  raquo: '\u00bb',
  lsaquo: '\u2039',
  rsaquo: '\u203a',
  bull: '\u2022',
  middot: '\u00b7',
  euro: '\u20ac',
  pound: '\u00a3',
  yen: '\u00a5',
  cent: '\u00a2',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  deg: '\u00b0',
  para: '\u00b6',
  sect: '\u00a7',
  times: '\u00d7',
  divide: '\u00f7',
  shy: '\u00ad',
  zwnj: '\u200c',
  zwj: '\u200d',
  iexcl: '\u00a1',
  iquest: '\u00bf',
  ordf: '\u00aa',
  ordm: '\u00ba',
  szlig: '\u00df',
  oelig: '\u0153',
  OElig: '\u0152',
  aelig: '\u00e6',
  AElig: '\u00c6',
  thinsp: '\u2009',
  ensp: '\u2002',
  emsp: '\u2003',
};
// Latin-1 letters with accents (é, À, ç, ñ, ü…): built from their names rather than typed out.
const ACCENTS: Record<string, string> = {
  grave: '\u0300',
  acute: '\u0301',
  circ: '\u0302',
  tilde: '\u0303',
  uml: '\u0308',
  cedil: '\u0327',
  ring: '\u030a',
};
for (const [mark, combining] of Object.entries(ACCENTS)) {
  for (const letter of 'aeiouycnAEIOUYCN') {
    const composed = (letter + combining).normalize('NFC');
    if (composed.length === 1) NAMED[letter + mark] ??= composed;
  }
}
NAMED['oslash'] = '\u00f8';
NAMED['Oslash'] = '\u00d8';

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g;

function fromCodePoint(cp: number): string {
  // Surrogates, NUL and out-of-range values are not characters: show the replacement character.
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** Decodes HTML character references once (`&amp;lt;` becomes `&lt;`, not `<`). Unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY,
    (match, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
      if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
      if (name !== undefined && Object.hasOwn(NAMED, name)) return NAMED[name] as string;
      return match;
    },
  );
}

/** Index just past the `>` closing the tag opened at `start`, honouring quoted attribute values; -1 if none. */
function tagEnd(html: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i + 1;
    }
  }
  return -1;
}

function tagName(tag: string): string {
  const m = /^<\/?\s*([A-Za-z][A-Za-z0-9:-]*)/.exec(tag);
  return m?.[1]?.toLowerCase() ?? '';
}

/**
 * Plain text of an HTML fragment: tags stripped, invisible elements (script, style…) dropped with
 * their content, entities decoded, runs of white space collapsed to one space, block boundaries
 * kept as single newlines. A `<` that does not open a tag ("a < b") is text.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let i = 0;
  let text = '';
  const flushText = () => {
    // Source line breaks are just white space in HTML; only block elements break lines.
    if (text) out.push(decodeEntities(text).replace(/\s+/g, ' '));
    text = '';
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, lt);
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      // CDATA inside HTML content (seen in some feeds): its content is literal text.
      const end = html.indexOf(']]>', lt + 9);
      flushText();
      out.push(html.slice(lt + 9, end === -1 ? html.length : end).replace(/\s+/g, ' '));
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const opensTag =
      /[A-Za-z]/.test(next) ||
      (next === '/' && /[A-Za-z]/.test(html[lt + 2] ?? '')) ||
      next === '!' ||
      next === '?';
    if (!opensTag) {
      text += '<';
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt);
    if (end === -1) {
      // An unterminated tag at the end of a truncated excerpt: what follows is markup, not text.
      break;
    }
    const tag = html.slice(lt, end);
    const name = tagName(tag);
    i = end;
    if (INVISIBLE.has(name) && next !== '/') {
      // Skip to the matching close tag; if there is none, the rest is all inside the element.
      const closing = new RegExp(`</${name}`, 'ig');
      closing.lastIndex = i;
      const close = closing.exec(html)?.index ?? -1;
      i = close === -1 ? html.length : Math.max(tagEnd(html, close), close + name.length + 2);
      continue;
    }
    // Inline tags add nothing: `a<span>b</span>` reads as "ab" in a browser.
    if (BLOCK.has(name)) {
      flushText();
      out.push('\n');
    }
  }
  flushText();
  return out
    .join('')
    .replace(/ {2,}/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}
