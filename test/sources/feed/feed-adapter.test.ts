import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchConfig } from '../../../src/config/schema.ts';
import { createLogger, silentLogger, type Logger } from '../../../src/logger.ts';
import {
  createFeedAdapter,
  type FeedAdapterTuning,
  type FeedsConfig,
} from '../../../src/sources/feed/feed-adapter.ts';
import type { NetworkPolicy } from '../../../src/net/address-policy.ts';
import { RateLimitError, SourceError, type PollContext, type PollPage } from '../../../src/sources/source.ts';
import {
  buildAtom,
  buildRss1,
  buildRss2,
  googleAlertsXml,
  makeItems,
  serveGoogleAlerts,
  startFakeFeedServer,
  type FakeFeedServer,
} from '../../fakes/feed-server.ts';

const CONFIG: FeedsConfig = { timeoutMs: 2_000, maxRetries: 2, userAgent: 'Vigie-test/1.0' };
const FAST: FeedAdapterTuning = { backoffMs: 10 };

const WATCH: WatchConfig = {
  id: 'w1',
  names: ['Slack'],
  feeds: [],
  schedule: '*/5 * * * *',
  ownAccounts: [],
  words: { flag: [], never: [] },
  archiveMinLevel: 'medium',
};

function ctxFor(
  target: string,
  state: Record<string, unknown> | null = null,
  log: Logger = silentLogger(),
): PollContext {
  return {
    source: { id: 1, kind: 'feed', target, cursor: null, state },
    watch: WATCH,
    signal: new AbortController().signal,
    log,
  };
}

// The fake feed server listens on 127.0.0.1: only an intranet setting lets the adapter reach it.
const INTRANET: NetworkPolicy = { allowPrivateAddresses: true };

async function pollAll(
  ctx: PollContext,
  config: FeedsConfig = CONFIG,
  tuning: FeedAdapterTuning = FAST,
  network: NetworkPolicy = INTRANET,
): Promise<PollPage[]> {
  const pages: PollPage[] = [];
  for await (const page of createFeedAdapter(config, tuning, network).poll(ctx)) pages.push(page);
  return pages;
}

async function pollError(
  ctx: PollContext,
  config: FeedsConfig = CONFIG,
  tuning: FeedAdapterTuning = FAST,
  network: NetworkPolicy = INTRANET,
): Promise<unknown> {
  try {
    await pollAll(ctx, config, tuning, network);
  } catch (err) {
    return err;
  }
  throw new Error('expected the poll to fail');
}

let server: FakeFeedServer;
beforeEach(async () => {
  server = await startFakeFeedServer();
});
afterEach(async () => {
  await server.close();
});

describe('feed adapter: addresses a feed URL may not reach (SSRF)', () => {
  const STRICT: NetworkPolicy = { allowPrivateAddresses: false };

  it('refuses a feed on a loopback address, in any spelling, without asking it or retrying', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(2)) });
    const port = new URL(server.url).port;
    for (const host of [
      '127.0.0.1',
      'localhost',
      '2130706433',
      '0x7f000001',
      '0.0.0.0',
      '[::1]',
      '[::ffff:7f00:1]',
    ]) {
      const err = await pollError(ctxFor(`http://${host}:${port}/f`), CONFIG, FAST, STRICT);
      expect(err, host).toBeInstanceOf(SourceError);
      expect((err as SourceError).retryable, host).toBe(false);
      expect((err as SourceError).message, host).toMatch(/^feed URL refused: .*not allowed/);
    }
    const err = await pollError(ctxFor(`http://169.254.169.254/latest/meta-data/`), CONFIG, FAST, STRICT);
    expect((err as SourceError).message).toMatch(/feed URL refused: .*linkLocal/);
    expect(server.requests).toEqual([]);
  });

  it('refuses a redirect from a reachable feed to the cloud metadata address', async () => {
    server.setFeed('/moved', {
      body: '',
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    });
    const err = await pollError(ctxFor(server.url + '/moved'));
    expect((err as SourceError).message).toMatch(/feed URL refused: .*169\.254\.169\.254/);
  });

  it('refuses credentials in the feed URL', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(2)) });
    const err = await pollError(ctxFor(server.url.replace('http://', 'http://user:pw@') + '/f'));
    expect((err as SourceError).message).toMatch(/feed URL refused: credentials/);
    expect(server.requests).toEqual([]);
  });

  it('never shows what a non-feed answer said in its error', async () => {
    server.setFeed('/admin', {
      body: 'root:x:0:0:SECRET-INTERNAL:/root:/bin/bash',
      contentType: 'text/plain',
    });
    const err = await pollError(ctxFor(server.url + '/admin'));
    expect((err as SourceError).message).toMatch(/^feed is not valid RSS\/Atom: /);
    expect((err as SourceError).message).not.toMatch(/SECRET|root:x/);
  });
});

describe('feed adapter: Google Alerts', () => {
  it('yields one final page with the 20 entries as web posts', async () => {
    const url = serveGoogleAlerts(server, undefined, { etag: '"ga-1"' });
    const pages = await pollAll(ctxFor(url));
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page?.final).toBe(true);
    expect(page?.cursor).toBeUndefined();
    expect(page?.warnings).toBeUndefined();
    expect(page?.posts).toHaveLength(20);
    for (const post of page?.posts ?? []) {
      expect(post.platform).toBe('web');
      expect(post.externalId).toMatch(/^tag:google\.com,2013:googlealerts\/feed:\d+$/);
      expect(post.url).not.toMatch(/google\.com\/url/);
      expect(post.text).not.toMatch(/<b>|&lt;|&amp;|&nbsp;/);
      // No author name in Google Alerts: the site's host stands in.
      expect(post.author).toEqual({ externalId: new URL(post.url ?? '').hostname, handle: null, name: null });
      expect(post.raw.startsWith('<entry>') && post.raw.endsWith('</entry>')).toBe(true);
      expect(googleAlertsXml()).toContain(post.raw);
    }
    const second = page?.posts[1];
    expect(second?.text).toBe(
      'Slack Stock Has a Compelling Story and the Numbers to Back It Up\n' +
        "In the run up to the IPO for Slack Technologies Inc (NYSE:WORK), much of the news coverage centered on the Company's decision to go public via ...",
    );
    expect(second?.createdAt).toBe(Date.parse('2019-07-10T11:46:48Z'));
    expect(second?.author?.externalId).toBe('investorplace.com');
    expect(page?.state).toEqual({ etag: '"ga-1"', lastModified: null });
  });

  it('sends the configured User-Agent', async () => {
    const url = serveGoogleAlerts(server);
    await pollAll(ctxFor(url));
    expect(server.requests[0]?.headers['user-agent']).toBe('Vigie-test/1.0');
  });
});

describe('feed adapter: formats and dedupe keys', () => {
  for (const [name, build] of [
    ['RSS 2.0', buildRss2],
    ['RSS 1.0', buildRss1],
    ['Atom', buildAtom],
  ] as const) {
    it(`maps ${name} items to posts with ids, links, dates, authors and language`, async () => {
      server.setFeed('/f', { body: build(makeItems(25), { lang: 'fr' }) });
      const [page] = await pollAll(ctxFor(server.url + '/f'));
      expect(page?.posts).toHaveLength(25);
      expect(page?.posts[4]).toMatchObject({
        platform: 'web',
        externalId: 'urn:test:item:5',
        url: 'https://example.org/posts/5',
        author: { externalId: 'Author 5', handle: null, name: 'Author 5' },
        text: 'Post 5\nBody of post 5',
        lang: 'fr',
        createdAt: Date.UTC(2024, 0, 15, 12, 0, 0) - 4 * 60_000,
      });
    });
  }

  it('keys an item on a URI id, on the feed and a local id, on the link, or on the feed and its content', async () => {
    const xml = buildRss2([
      { id: 'guid-1', link: 'https://example.org/1', title: 'with a local guid' },
      { link: '  https://example.org/2  ', title: 'link only' },
      { title: 'nothing to key on', html: '<p>orphan</p>' },
      { id: 'tag:example.org,2024:7', title: 'with a tag URI' },
      { title: 'nothing to key on either', html: '<p>another orphan</p>' },
    ]);
    const url = server.url + '/f';
    server.setFeed('/f', { body: xml });
    const [page] = await pollAll(ctxFor(url));
    const keys = page?.posts.map((p) => p.externalId);
    expect(keys?.slice(0, 2)).toEqual([`${url}#id:guid-1`, 'https://example.org/2']);
    expect(keys?.[2]).toMatch(new RegExp(`^${url.replace(/[.]/g, '\\.')}#sha256:[0-9a-f]{64}$`));
    expect(keys?.[3]).toBe('tag:example.org,2024:7');
    expect(keys?.[4]).toMatch(/#sha256:[0-9a-f]{64}$/);
    expect(keys?.[4]).not.toBe(keys?.[2]);
    expect(page?.posts[1]?.url).toBe('https://example.org/2');
    expect(page?.posts[2]?.text).toBe('nothing to key on\norphan');
    expect(page?.warnings).toBeUndefined();
    // The same document gives the same keys: a second poll stores nothing twice.
    const [again] = await pollAll(ctxFor(url));
    expect(again?.posts.map((p) => p.externalId)).toEqual(keys);
  });

  it('says so when one document repeats an id (the database keeps the first)', async () => {
    server.setFeed('/f', {
      body: buildRss2([
        { id: '1', title: 'first' },
        { id: '1', title: 'second, same guid' },
      ]),
    });
    const [page] = await pollAll(ctxFor(server.url + '/f'));
    expect(page?.posts).toHaveLength(1);
    expect(page?.warnings).toEqual(['item 2 has the same id as item 1: only item 1 is stored']);
  });

  it('gives null author and date when the item has none', async () => {
    server.setFeed('/f', { body: buildRss2([{ id: 'x' }]) });
    const [page] = await pollAll(ctxFor(server.url + '/f'));
    expect(page?.posts[0]).toMatchObject({
      externalId: `${server.url}/f#id:x`,
      url: null,
      author: null,
      createdAt: null,
      text: '',
      lang: null,
    });
  });

  it('decodes a feed in its declared encoding', async () => {
    const xml = buildRss2([{ id: 'e', link: 'https://e.org/', title: 'Élodie à Noël' }]).replace(
      'UTF-8',
      'ISO-8859-1',
    );
    server.setFeed('/latin1', { body: Buffer.from(xml, 'latin1'), contentType: 'application/rss+xml' });
    const [page] = await pollAll(ctxFor(server.url + '/latin1'));
    expect(page?.posts[0]?.text).toBe('Élodie à Noël');
  });
});

describe('feed adapter: conditional GET', () => {
  it('round-trips the ETag: the second poll sends If-None-Match, gets 304 and yields no posts', async () => {
    server.setFeed('/f', { body: buildAtom(makeItems(3)), etag: '"v1"' });
    const url = server.url + '/f';
    const [first] = await pollAll(ctxFor(url));
    expect(first?.posts).toHaveLength(3);
    expect(first?.state).toEqual({ etag: '"v1"', lastModified: null });
    expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();

    const pages = await pollAll(ctxFor(url, first?.state ?? null));
    expect(server.requests[1]?.headers['if-none-match']).toBe('"v1"');
    expect(pages).toEqual([{ posts: [], state: { etag: '"v1"', lastModified: null }, final: true }]);

    // The feed changes: a new ETag, the new items, the new state.
    server.setFeed('/f', { body: buildAtom(makeItems(4)), etag: '"v2"' });
    const [third] = await pollAll(ctxFor(url, first?.state ?? null));
    expect(third?.posts).toHaveLength(4);
    expect(third?.state).toEqual({ etag: '"v2"', lastModified: null });
  });

  it('round-trips Last-Modified through If-Modified-Since', async () => {
    const lastModified = 'Mon, 15 Jan 2024 12:00:00 GMT';
    server.setFeed('/f', { body: buildRss2(makeItems(2)), lastModified });
    const url = server.url + '/f';
    const [first] = await pollAll(ctxFor(url));
    expect(first?.state).toEqual({ etag: null, lastModified });

    const [second] = await pollAll(ctxFor(url, first?.state ?? null));
    expect(server.requests[1]?.headers['if-modified-since']).toBe(lastModified);
    expect(server.requests[1]?.headers['if-none-match']).toBeUndefined();
    expect(second).toEqual({ posts: [], state: { etag: null, lastModified }, final: true });
  });
});

describe('feed adapter: failures', () => {
  const broken: [string, string, string][] = [
    ['truncated XML', buildRss2(makeItems(5)).slice(0, 300), 'application/rss+xml'],
    [
      'an HTML page',
      '<!DOCTYPE html><html><head><title>Login</title></head><body><p>Please sign in<br></body></html>',
      'text/html',
    ],
    ['an empty body', '', 'application/xml'],
    ['a JSON body', '{"error":"not a feed"}', 'application/json'],
  ];
  for (const [what, body, contentType] of broken) {
    it(`fails with a non-retryable SourceError on ${what}`, async () => {
      server.setFeed('/f', { body, contentType });
      const err = await pollError(ctxFor(server.url + '/f'));
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).message).toMatch(/^feed is not valid RSS\/Atom: /);
      expect((err as SourceError).retryable).toBe(false);
      expect(server.requests).toHaveLength(1); // a broken document is not retried
    });
  }

  it('retries a 500 and then succeeds', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(2)) });
    server.injectFault('/f', '500');
    server.injectFault('/f', 'reset');
    const [page] = await pollAll(ctxFor(server.url + '/f'));
    expect(page?.posts).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with a retryable SourceError', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(2)) });
    server.injectFault('/f', '502', { times: 10 });
    const err = await pollError(ctxFor(server.url + '/f'));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).retryable).toBe(true);
    expect((err as SourceError).message).toContain('HTTP 502');
    expect(server.requests).toHaveLength(3); // 1 + maxRetries
  });

  for (const status of ['404', '410'] as const) {
    it(`fails without retrying on ${status}`, async () => {
      server.injectFault('/f', status);
      const err = await pollError(ctxFor(server.url + '/f'));
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).retryable).toBe(false);
      expect((err as SourceError).message).toContain(status);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('treats an unknown path (404 from the server) as non-retryable', async () => {
    const err = await pollError(ctxFor(server.url + '/nowhere'));
    expect(err).toMatchObject({ name: 'SourceError', retryable: false });
  });

  it('times out on a hanging server and retries, then fails retryable', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(1)) });
    server.injectFault('/f', 'hang', { times: 5 });
    const started = Date.now();
    const err = await pollError(ctxFor(server.url + '/f'), { ...CONFIG, timeoutMs: 150, maxRetries: 1 });
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).retryable).toBe(true);
    expect((err as SourceError).message).toMatch(/timed out after 150 ms/);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('recovers when only the first attempt hangs', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(1)) });
    server.injectFault('/f', 'hang');
    const [page] = await pollAll(ctxFor(server.url + '/f'), { ...CONFIG, timeoutMs: 150 });
    expect(page?.posts).toHaveLength(1);
  });

  it('waits out a short Retry-After on 429 and retries', async () => {
    server.setFeed('/f', { body: buildRss2(makeItems(1)) });
    server.injectFault('/f', '429', { retryAfter: '1' });
    const started = Date.now();
    const [page] = await pollAll(ctxFor(server.url + '/f'));
    expect(page?.posts).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('throws RateLimitError on a long Retry-After (503) without waiting', async () => {
    server.injectFault('/f', '503', { retryAfter: '3600' });
    const before = Date.now();
    const err = await pollError(ctxFor(server.url + '/f'));
    expect(err).toBeInstanceOf(RateLimitError);
    const retryAt = (err as RateLimitError).retryAt;
    expect(retryAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('accepts Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 2 * 3600_000);
    server.injectFault('/f', '429', { retryAfter: at.toUTCString() });
    const err = await pollError(ctxFor(server.url + '/f'));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(Math.abs((err as RateLimitError).retryAt - at.getTime())).toBeLessThan(1_000);
  });

  it('refuses a body over the size cap', async () => {
    server.setFeed('/big', { body: buildRss2(makeItems(2_000)) });
    const err = await pollError(ctxFor(server.url + '/big'), CONFIG, { ...FAST, maxBodyBytes: 64 * 1024 });
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toMatch(/too large/);
    expect((err as SourceError).retryable).toBe(false);
  });

  it('follows redirects and resolves relative links against the final URL', async () => {
    server.setFeed('/old', { body: '', status: 301, headers: { location: '/new/feed.xml' } });
    server.setFeed('/new/feed.xml', { body: buildRss2([{ id: 'r', link: '../posts/9', title: 'moved' }]) });
    const [page] = await pollAll(ctxFor(server.url + '/old'));
    expect(page?.posts[0]?.url).toBe(server.url + '/posts/9');
  });

  it('survives a billion-laughs document without blowing up', async () => {
    const decls = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      decls.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [${decls.join('')}]><rss version="2.0"><channel><title>x</title><item><guid>b</guid><title>&lol9;</title></item></channel></rss>`;
    server.setFeed('/bomb', { body: xml });
    const started = Date.now();
    try {
      const [page] = await pollAll(ctxFor(server.url + '/bomb'));
      expect(page?.posts[0]?.text.length ?? 0).toBeLessThan(200_000);
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError);
    }
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('does not log post text at info level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const url = serveGoogleAlerts(server);
    await pollAll(ctxFor(url, null, createLogger('info', sink)));
    const logged = lines.join('');
    expect(logged).toContain('feed polled');
    expect(logged).not.toContain('Compelling Story');
    expect(logged).not.toContain('4428013283581841004'); // the capability part of the feed URL
  });
});
