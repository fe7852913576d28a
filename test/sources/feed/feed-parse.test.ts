import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed, unwrapRedirect } from '../../../src/sources/feed/feed-parse.ts';
import { decodeEntities, htmlToText } from '../../../src/sources/html-text.ts';
import { buildAtom, buildRss1, buildRss2, googleAlertsXml, makeItems } from '../../fakes/feed-server.ts';

describe('parseFeed() on the real Google Alerts feed', () => {
  const xml = googleAlertsXml();
  const feed = parseFeed(xml);

  it('reads all 20 entries as Atom', () => {
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('Google Alert - Slack');
    expect(feed.items).toHaveLength(20);
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(20);
  });

  it('unwraps every google.com/url redirect to the target page', () => {
    expect(xml).toContain('https://www.google.com/url?'); // the fixture really has them
    for (const item of feed.items) {
      expect(item.link).toMatch(/^https?:\/\//);
      expect(item.link).not.toMatch(/google\.com\/url/);
    }
    expect(feed.items[0]?.link).toBe(
      'https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive-slack-market-by-top-key-players-like-haldex-meritor-bendix-mei-wabco-accuride-stemco-tbk-febi-aydinsan/',
    );
    expect(feed.items[1]?.link).toBe('https://investorplace.com/2019/07/slack-stock-truly-compelling/');
  });

  it('turns the HTML titles and content into plain text with entities decoded', () => {
    for (const item of feed.items) {
      expect(item.title).not.toMatch(/<\/?b>|&lt;|&gt;|&amp;/);
      expect(item.body).not.toMatch(/<\/?b>|&lt;|&gt;|&amp;|&nbsp;|&#39;/);
    }
    expect(feed.items.filter((i) => i.title.includes('Slack')).length).toBeGreaterThan(10);
    expect(feed.items[1]?.title).toBe('Slack Stock Has a Compelling Story and the Numbers to Back It Up');
    // `Company&amp;#39;s` and `senior&amp;nbsp;...` in the XML
    expect(feed.items[1]?.body).toContain("the Company's decision to go public via ...");
    expect(feed.items[0]?.body).toMatch(/marketers and senior \.\.\.$/);
  });

  it('dates every entry from <published>', () => {
    expect(feed.items[0]?.publishedAt).toBe(Date.parse('2019-07-10T11:53:37Z'));
    expect(feed.items.every((i) => typeof i.publishedAt === 'number')).toBe(true);
  });

  it('has no author name (Google leaves <name> empty)', () => {
    expect(feed.items.every((i) => i.authorName === null)).toBe(true);
  });

  it('keeps each entry as the exact <entry>…</entry> text of the document', () => {
    let from = 0;
    for (const item of feed.items) {
      expect(item.rawIsExact).toBe(true);
      expect(item.raw.startsWith('<entry>')).toBe(true);
      expect(item.raw.endsWith('</entry>')).toBe(true);
      expect(item.raw).toContain(`<id>${item.id}</id>`);
      expect(item.raw).toContain('&lt;b&gt;'); // still the escaped markup as received
      const at = xml.indexOf(item.raw, from);
      expect(at).toBeGreaterThanOrEqual(from);
      from = at + item.raw.length;
    }
  });
});

describe('parseFeed() on RSS 2.0, RSS 1.0 and Atom', () => {
  const items = makeItems(3);
  const cases = [
    ['rss2', buildRss2(items, { lang: 'fr-FR' }), 'item'],
    ['rss1', buildRss1(items, { lang: 'fr-FR' }), 'item'],
    ['atom', buildAtom(items, { lang: 'fr-FR' }), 'entry'],
  ] as const;

  for (const [format, xml, element] of cases) {
    it(`reads ids, links, titles, bodies, authors, dates and language from ${format}`, () => {
      const feed = parseFeed(xml);
      expect(feed.format).toBe(format);
      expect(feed.lang).toBe('fr-FR');
      expect(feed.items).toHaveLength(3);
      feed.items.forEach((item, i) => {
        expect(item.id).toBe(`urn:test:item:${i + 1}`);
        expect(item.link).toBe(`https://example.org/posts/${i + 1}`);
        expect(item.title).toBe(`Post ${i + 1}`);
        expect(item.body).toBe(`Body of post ${i + 1}`);
        expect(item.authorName).toBe(`Author ${i + 1}`);
        expect(item.lang).toBe('fr-FR');
        expect(item.publishedAt).toBe(Date.UTC(2024, 0, 15, 12, 0, 0) - i * 60_000);
        expect(item.raw.startsWith(`<${element}`)).toBe(true);
        expect(item.raw.endsWith(`</${element}>`)).toBe(true);
        expect(xml).toContain(item.raw);
      });
    });
  }

  it('reads a feed with 500 items', () => {
    expect(parseFeed(buildRss2(makeItems(500))).items).toHaveLength(500);
  });

  it('leaves id null without guid, and date null when unparsable', () => {
    const xml = buildRss2([{ link: ' https://example.org/a ', title: 't' }]).replace(
      '<title>t</title>',
      '<title>t</title><pubDate>yesterday-ish</pubDate>',
    );
    const [item] = parseFeed(xml).items;
    expect(item?.id).toBeNull();
    expect(item?.link).toBe('https://example.org/a');
    expect(item?.publishedAt).toBeNull();
  });

  it('takes the per-entry xml:lang of Atom over the feed language', () => {
    const feed = parseFeed(
      buildAtom([{ id: 'x', link: 'https://e.org/x', lang: 'de', title: 'x' }], { lang: 'en' }),
    );
    expect(feed.items[0]?.lang).toBe('de');
  });

  it('reads Atom type="text" titles literally and xhtml content as text', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id><link href="/p/1"/>
      <title type="text">a &lt;b&gt; c</title>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>there</em></p><p>second</p></div></content>
      <updated>2024-02-01T00:00:00+01:00</updated></entry></feed>`;
    const [item] = parseFeed(xml, { baseUrl: 'https://blog.example/feed.xml' }).items;
    expect(item?.title).toBe('a <b> c');
    expect(item?.body).toBe('Hello there\nsecond');
    expect(item?.link).toBe('https://blog.example/p/1');
    expect(item?.publishedAt).toBe(Date.parse('2024-01-31T23:00:00Z'));
  });

  it('reads CDATA descriptions and content:encoded as HTML', () => {
    const xml = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>c</title>
      <item><guid>g1</guid><title>T</title><description><![CDATA[<p>short &amp; sweet</p>]]></description></item>
      <item><guid>g2</guid><title>T2</title><description>ignored</description><content:encoded><![CDATA[<div>full <i>text</i></div>]]></content:encoded></item>
      </channel></rss>`;
    const feed = parseFeed(xml);
    expect(feed.items.map((i) => i.body)).toEqual(['short & sweet', 'full text']);
  });

  it('keeps <script> in an RSS title as inert text', () => {
    (globalThis as Record<string, unknown>)['__feedPwned'] = false;
    const payload =
      '<script>globalThis.__feedPwned = true</script><img src=x onerror="globalThis.__feedPwned=true">';
    const xml = buildRss2([{ id: 's1', link: 'https://e.org/s', title: payload, html: payload }]);
    const [item] = parseFeed(xml).items;
    expect(item?.title).toBe(payload);
    // In HTML content the script element is not visible text: dropped, never run.
    expect(item?.body).toBe('');
    expect((globalThis as Record<string, unknown>)['__feedPwned']).toBe(false);
  });

  it('keeps escaped <script> in an HTML-typed Atom title as text', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e</id><link href="https://e.org/"/>
      <title type="html">&lt;b&gt;Hi&lt;/b&gt; &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;</title></entry></feed>`;
    expect(parseFeed(xml).items[0]?.title).toBe('Hi <script>alert(1)</script>');
  });
});

describe('parseFeed() refuses what is not a feed', () => {
  const rss = buildRss2(makeItems(2));
  const bad: [string, string, RegExp][] = [
    ['an empty body', '', /empty document/],
    ['white space', '  \n ', /empty document/],
    ['truncated XML', rss.slice(0, Math.floor(rss.length / 2)), /ill-formed XML/],
    [
      'an HTML page',
      '<!DOCTYPE html><html><head><title>Oops</title></head><body><p>Moved<br></body></html>',
      /ill-formed XML/,
    ],
    [
      'a well-formed XHTML page',
      '<html><head><title>x</title></head><body><p>hi</p></body></html>',
      /root element is not .*\(an HTML page\)/,
    ],
    ['a JSON body', '{"items":[{"id":1}]}', /ill-formed XML/],
    ['plain text', 'Service Unavailable', /ill-formed XML/],
    [
      'an unknown XML document',
      '<?xml version="1.0"?><opml version="2.0"><body/></opml>',
      /root element is not .*\(an OPML outline/,
    ],
  ];
  it('never quotes the document in its message (whatever a URL answered is shown on the dashboard)', () => {
    const secrets = [
      'root:x:0:0:SECRET-root:/root:/bin/bash',
      '{"SECRET-key":"AKIA"}',
      '<html><body><p>SECRET-token</div></body></html>',
      '<a SECRET-attr></a>',
      '<SECRET-root><x/></SECRET-root>',
      '<!DOCTYPE x [<!ENTITY SECRET-e "a">]><x>&SECRET-e;&SECRET-e;</x>',
    ];
    for (const body of secrets) {
      let message = '';
      try {
        parseFeed(body);
      } catch (err) {
        expect(err).toBeInstanceOf(FeedParseError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toMatch(/SECRET/);
    }
  });
  for (const [what, xml, message] of bad) {
    it(`throws FeedParseError on ${what}`, () => {
      expect(() => parseFeed(xml)).toThrow(FeedParseError);
      expect(() => parseFeed(xml)).toThrow(message);
    });
  }

  it('does not expand a billion-laughs entity bomb', () => {
    const decls = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      decls.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [${decls.join('')}]><rss version="2.0"><channel><title>&lol9;</title>
      <item><guid>b1</guid><title>&lol9;</title><link>https://e.org/b</link></item></channel></rss>`;
    const started = Date.now();
    let titleLength = 0;
    try {
      titleLength = parseFeed(xml).items[0]?.title.length ?? 0;
    } catch (err) {
      expect(err).toBeInstanceOf(FeedParseError);
    }
    // 10^9 "lol"s would be 3 GB; either refused or left unexpanded, it stays tiny and fast.
    expect(titleLength).toBeLessThan(200_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caps a quadratic-blowup entity (one big entity used many times)', () => {
    const big = 'A'.repeat(900);
    const xml = `<!DOCTYPE rss [<!ENTITY big "${big}">]><rss version="2.0"><channel><title>x</title>
      <item><guid>q1</guid><title>${'&big;'.repeat(5_000)}</title></item></channel></rss>`;
    let titleLength = 0;
    try {
      titleLength = parseFeed(xml).items[0]?.title.length ?? 0;
    } catch (err) {
      expect(err).toBeInstanceOf(FeedParseError);
    }
    expect(titleLength).toBeLessThan(4_500_000); // the full expansion
    expect(titleLength).toBeLessThanOrEqual(200_000);
  });

  it('refuses external entities', () => {
    const xml = `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><guid>x</guid><title>&xxe;</title></item></channel></rss>`;
    let title: string | undefined;
    try {
      title = parseFeed(xml).items[0]?.title;
    } catch (err) {
      expect(err).toBeInstanceOf(FeedParseError);
    }
    expect(title ?? '').not.toContain('root:');
  });
});

describe('unwrapRedirect()', () => {
  it('takes url= from Google redirect links and leaves other links alone', () => {
    expect(
      unwrapRedirect('https://www.google.com/url?rct=j&sa=t&url=https://a.example/x?y=1%26z%3D2&ct=ga'),
    ).toBe('https://a.example/x?y=1&z=2');
    expect(unwrapRedirect('https://www.google.fr/url?q=https%3A%2F%2Fb.example%2F&sa=U')).toBe(
      'https://b.example/',
    );
    expect(unwrapRedirect('https://www.google.com/search?q=x')).toBe('https://www.google.com/search?q=x');
    expect(unwrapRedirect('https://evil.example/url?url=https://a.example/')).toBe(
      'https://evil.example/url?url=https://a.example/',
    );
    // A redirect to a non-web scheme is kept as the redirect, never turned into javascript:.
    expect(unwrapRedirect('https://www.google.com/url?url=javascript:alert(1)')).toBe(
      'https://www.google.com/url?url=javascript:alert(1)',
    );
  });
});

describe('htmlToText()', () => {
  it('strips tags and decodes entities once', () => {
    expect(htmlToText('<b>Slack</b> &amp; co&#39;s &#x263A; &eacute;t&eacute; &nbsp;x')).toBe(
      "Slack & co's \u263a été x",
    );
    expect(htmlToText('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
    expect(htmlToText('a &lt;script&gt; b')).toBe('a <script> b');
  });

  it('collapses white space and keeps paragraph breaks', () => {
    expect(htmlToText('  <p>one\n  two</p>\n\n<p>three</p><br/>four  ')).toBe('one two\nthree\nfour');
  });

  it('drops scripts, styles and comments with their content', () => {
    expect(htmlToText('a<script type="x">var s = "</p>";</script>b<style>p{}</style>c<!-- hidden -->d')).toBe(
      'abcd',
    );
    expect(htmlToText('x<SCRIPT>never closed')).toBe('x');
  });

  it('keeps a lone < as text and reads quoted > inside attributes', () => {
    expect(htmlToText('1 < 2 and <a title="x > y" href="/">link</a>')).toBe('1 < 2 and link');
  });

  it('leaves unknown entities and invalid code points harmless', () => {
    expect(decodeEntities('&bogus; &#0; &#xD800; &#1114112;')).toBe('&bogus; \ufffd \ufffd \ufffd');
  });

  it('is linear on hostile input', () => {
    const started = Date.now();
    htmlToText('<a '.repeat(50_000) + '<script>'.repeat(20_000) + '"'.repeat(50_000));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
