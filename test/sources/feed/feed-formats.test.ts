import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.ts';
import { createFeedAdapter } from '../../../src/sources/feed/feed-adapter.ts';
import { decodeFeedBytes } from '../../../src/sources/feed/feed-decode.ts';
import { FeedParseError, parseFeed } from '../../../src/sources/feed/feed-parse.ts';
import type { PollPage } from '../../../src/sources/source.ts';
import type { WatchConfig } from '../../../src/config/schema.ts';
import { startFakeFeedServer, type FakeFeedServer } from '../../fakes/feed-server.ts';

// Documents every feed reader accepts (the feedparser corpus is the yardstick) that Vigie used to
// refuse: wide encodings with a byte order mark, <rss> without <channel>, a prefixed root, CDF.
// Entities and external entities stay refused whatever the wrapping.

const RSS = (encodingDecl = '') =>
  `<?xml version="1.0"${encodingDecl}?>\n<rss version="2.0"><channel><title>Ça va</title>` +
  `<item><title>Élodie 😀 «salut»</title><link>https://example.org/1</link><guid>https://example.org/1</guid></item>` +
  `</channel></rss>`;

function utf16(s: string, be: boolean): Buffer {
  const le = Buffer.from(s, 'utf16le');
  if (!be) return le;
  const out = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    out[i] = le[i + 1]!;
    out[i + 1] = le[i]!;
  }
  return out;
}

function utf32(s: string, be: boolean): Buffer {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (be ? out.writeUInt32BE(cp, i * 4) : out.writeUInt32LE(cp, i * 4)));
  return out;
}

const BOM = {
  utf8: Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
  utf16be: Buffer.from([0xfe, 0xff]),
  utf32le: Buffer.from([0xff, 0xfe, 0x00, 0x00]),
  utf32be: Buffer.from([0x00, 0x00, 0xfe, 0xff]),
};

describe('decodeFeedBytes()', () => {
  const cases: [string, Buffer, string | null][] = [
    ['UTF-8 with a BOM', Buffer.concat([BOM.utf8, Buffer.from(RSS())]), null],
    ['UTF-16LE with a BOM', Buffer.concat([BOM.utf16le, utf16(RSS(' encoding="UTF-16"'), false)]), null],
    ['UTF-16BE with a BOM', Buffer.concat([BOM.utf16be, utf16(RSS(' encoding="UTF-16"'), true)]), null],
    ['UTF-32LE with a BOM', Buffer.concat([BOM.utf32le, utf32(RSS(), false)]), null],
    ['UTF-32BE with a BOM', Buffer.concat([BOM.utf32be, utf32(RSS(), true)]), null],
    ['UTF-16LE without a BOM, declared', utf16(RSS(' encoding="utf-16"'), false), null],
    ['UTF-16BE without a BOM, declared', utf16(RSS(' encoding="utf-16"'), true), null],
    [
      'UTF-16LE with a BOM served as charset=iso-8859-1',
      Buffer.concat([BOM.utf16le, utf16(RSS(), false)]),
      'text/xml; charset=iso-8859-1',
    ],
    ['UTF-8 labelled utf-16 by the server', Buffer.from(RSS()), 'application/rss+xml; charset=utf-16'],
  ];
  for (const [what, bytes, contentType] of cases) {
    it(`reads ${what}`, () => {
      const text = decodeFeedBytes(bytes, contentType);
      expect(text.startsWith('<?xml')).toBe(true);
      const feed = parseFeed(text);
      expect(feed.title).toBe('Ça va');
      expect(feed.items[0]?.title).toBe('Élodie 😀 «salut»');
    });
  }
});

describe('parseFeed() accepts what readers accept', () => {
  it('reads <rss> whose items have no <channel> around them', () => {
    const feed = parseFeed(
      '<rss version="2.0"><title>t</title><item><title>one</title><link>https://e.org/1</link></item><item><title>two</title></item></rss>',
    );
    expect(feed.format).toBe('rss2');
    expect(feed.items.map((i) => i.title)).toEqual(['one', 'two']);
    expect(parseFeed('<rss version="2.0"/>').items).toEqual([]);
  });

  it('reads a prefixed RSS root and a prefixed Atom root', () => {
    const rss = parseFeed(
      '<r:rss xmlns:r="http://backend.userland.com/rss2" version="2.0"><r:channel><r:title>T</r:title>' +
        '<r:item><r:title>prefixed</r:title><r:link>https://e.org/p</r:link><r:guid isPermaLink="false">7</r:guid></r:item></r:channel></r:rss>',
    );
    expect(rss.title).toBe('T');
    expect(rss.items[0]).toMatchObject({
      id: '7',
      title: 'prefixed',
      link: 'https://e.org/p',
      rawIsExact: true,
    });
    expect(rss.items[0]?.raw.startsWith('<r:item>')).toBe(true);
    const atom = parseFeed(
      '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>A</atom:title>' +
        '<atom:entry><atom:id>urn:e:1</atom:id><atom:title>entry</atom:title><atom:link href="https://e.org/a"/></atom:entry></atom:feed>',
    );
    expect(atom.format).toBe('atom');
    expect(atom.items[0]).toMatchObject({ id: 'urn:e:1', title: 'entry', link: 'https://e.org/a' });
  });

  it('reads a CDF channel, nested channels included', () => {
    const feed = parseFeed(
      '<?xml version="1.0"?><CHANNEL HREF="https://e.org/"><TITLE>CDF</TITLE>' +
        '<ITEM HREF="https://e.org/1" LASTMOD="2024-01-15T12:00"><TITLE>First</TITLE><ABSTRACT>About Alice</ABSTRACT></ITEM>' +
        '<CHANNEL><ITEM HREF="/2"><TITLE>Nested</TITLE></ITEM></CHANNEL></CHANNEL>',
      { baseUrl: 'https://e.org/feed.cdf' },
    );
    expect(feed.format).toBe('cdf');
    expect(feed.title).toBe('CDF');
    expect(feed.items.map((i) => [i.title, i.link, i.body])).toEqual([
      ['First', 'https://e.org/1', 'About Alice'],
      ['Nested', 'https://e.org/2', ''],
    ]);
    expect(feed.items[0]?.publishedAt).toBe(Date.parse('2024-01-15T12:00'));
  });

  it('still refuses external entities and entity bombs, in UTF-16 and behind a prefix too', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE r:rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      '<r:rss xmlns:r="x"><r:channel><r:item><r:title>&x;</r:title></r:item></r:channel></r:rss>';
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' +
      '<rss><channel><item><title>&d;&d;&d;&d;&d;&d;&d;&d;</title></item></channel></rss>';
    for (const doc of [xxe, bomb]) {
      const wide = decodeFeedBytes(Buffer.concat([BOM.utf16le, utf16(doc, false)]), null);
      let items: { title: string }[] = [];
      try {
        items = parseFeed(wide).items;
      } catch (err) {
        expect(err).toBeInstanceOf(FeedParseError);
      }
      for (const i of items) {
        expect(i.title).not.toContain('root:');
        expect(i.title.length).toBeLessThan(10_000);
      }
    }
  });
});

describe('feed adapter with a UTF-16 feed over HTTP', () => {
  let server: FakeFeedServer;
  beforeEach(async () => {
    server = await startFakeFeedServer();
  });
  afterEach(() => server.close());

  it('stores the items of a UTF-16 feed with a BOM served as application/xml', async () => {
    server.setFeed('/wide', {
      body: Buffer.concat([BOM.utf16be, utf16(RSS(' encoding="UTF-16"'), true)]),
      contentType: 'application/xml',
    });
    const pages: PollPage[] = [];
    const adapter = createFeedAdapter(
      { timeoutMs: 2_000, maxRetries: 0, userAgent: 't' },
      {},
      { allowPrivateAddresses: true },
    );
    for await (const p of adapter.poll({
      source: { id: 1, kind: 'feed', target: `${server.url}/wide`, cursor: null, state: null },
      watch: { id: 'w' } as WatchConfig,
      signal: new AbortController().signal,
      log: silentLogger(),
    }))
      pages.push(p);
    expect(pages[0]?.posts.map((p) => p.text)).toEqual(['Élodie 😀 «salut»']);
  });
});
