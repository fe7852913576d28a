import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createFeedAdapter } from '../../src/sources/feed/feed-adapter.ts';
import { SourceError, type PollPage } from '../../src/sources/source.ts';
import type { WatchConfig } from '../../src/config/schema.ts';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { testDeps, pollAll } from '../helpers/deps.ts';
import { startHostileFeedServer, type HostileFeedServer } from '../fakes/hostile-feed-server.ts';
import { toArray } from '../helpers/to-array.ts';

// Hostile feeds, served for real: every poll ends (no hang) with posts or a clear error (no
// crash), and memory stays bounded whatever the server sends.

const TIMEOUT_MS = 1_500;
const adapter = createFeedAdapter(
  { timeoutMs: TIMEOUT_MS, maxRetries: 0, userAgent: 'robustness' },
  { backoffMs: 10 },
  { allowPrivateAddresses: true },
);

let server: HostileFeedServer;
beforeAll(async () => {
  server = await startHostileFeedServer();
});
afterAll(() => server.close());

async function poll(
  pathname: string,
): Promise<{ pages: PollPage[]; error?: unknown; ms: number; rssGrowth: number }> {
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const pages: PollPage[] = [];
  let error: unknown;
  try {
    for await (const p of adapter.poll({
      source: { id: 1, kind: 'feed', target: `${server.url}${pathname}`, cursor: null, state: null },
      watch: { id: 'w' } as WatchConfig,
      signal: new AbortController().signal,
      log: silentLogger(),
    }))
      pages.push(p);
  } catch (err) {
    error = err;
  }
  return { pages, error, ms: Date.now() - started, rssGrowth: process.memoryUsage().rss - rss };
}

const item = (title: string, guid: string) => `<item><title>${title}</title><guid>${guid}</guid></item>`;
const rss = (...items: string[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel>${items.join('')}</channel></rss>`;

describe('hostile feeds', () => {
  it('an entity bomb (billion laughs) and a quadratic blow-up cost kilobytes', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lollollollollollollollollollol">' +
      Array.from(
        { length: 8 },
        (_, i) =>
          `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`,
      ).join('') +
      ']><rss version="2.0"><channel><item><title>&i;</title><guid>urn:b:1</guid></item></channel></rss>';
    const quadratic = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "${'x'.repeat(50_000)}">]>${rss(item('&x;'.repeat(2_000), 'urn:q:1'))}`;
    server.route('/laughs', { kind: 'document', body: laughs });
    server.route('/quadratic', { kind: 'document', body: quadratic });
    for (const p of ['/laughs', '/quadratic']) {
      const r = await poll(p);
      expect(r.ms, p).toBeLessThan(5_000);
      const text = r.pages.flatMap((pg) => pg.posts.map((x) => x.text)).join('');
      expect(text.length, p).toBeLessThan(200_000);
      if (r.error) expect(r.error, p).toBeInstanceOf(SourceError);
    }
  });

  it('a gzip bomb stops at the size cap, inflating no more than that', async () => {
    server.route('/bomb', { kind: 'gzip-bomb', inflatedBytes: 300 * 1024 * 1024 });
    global.gc?.();
    const r = await poll('/bomb');
    expect(r.error).toBeInstanceOf(SourceError);
    expect((r.error as Error).message).toMatch(/too large/);
    expect(r.rssGrowth).toBeLessThan(150 * 1024 * 1024);
  });

  it('a body that trickles forever ends at the time-out', async () => {
    server.route('/trickle', { kind: 'trickle', intervalMs: 50 });
    const r = await poll('/trickle');
    expect(r.error).toBeInstanceOf(SourceError);
    expect((r.error as Error).message).toMatch(/timed out/);
    expect(r.ms).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('an endless 50 MB+ body is cut at the size cap with bounded memory', async () => {
    server.route('/endless', { kind: 'endless', chunkBytes: 64 * 1024 });
    const r = await poll('/endless');
    expect(r.error).toBeInstanceOf(SourceError);
    expect((r.error as Error).message).toMatch(/too large/);
    expect(r.rssGrowth).toBeLessThan(150 * 1024 * 1024);
  });

  it('a redirect loop ends with an error after a few hops', async () => {
    server.route('/loop', { kind: 'redirect-loop' });
    const before = server.requests.length;
    const r = await poll('/loop');
    expect(r.error).toBeInstanceOf(SourceError);
    expect((r.error as Error).message).toMatch(/too many redirects/);
    expect(server.requests.length - before).toBeLessThanOrEqual(6);
  });

  it('a redirect to the metadata address is refused even on an intranet setting', async () => {
    server.route('/to-metadata', { kind: 'redirect', to: 'http://169.254.169.254/latest/meta-data/' });
    const r = await poll('/to-metadata');
    expect((r.error as Error).message).toMatch(/feed URL refused/);
  });
});

describe('hostile text through the whole pipeline: poll → store → export → verify', () => {
  let t: Awaited<ReturnType<typeof testDeps>>;
  afterAll(() => t?.cleanup());

  it('UTF-16, an unpaired surrogate and a 1 MB token are stored and the dossier verifies', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(rss(item('Alice en UTF-16 😀', 'urn:u:1')), 'utf16le'),
    ]);
    // A lone surrogate as raw UTF-16 code unit, in a UTF-16 document.
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(rss(item('Alice \ud800 seule', 'urn:u:2')), 'utf16le'),
    ]);
    const token = `Alice${'x'.repeat(1_000_000)}`;
    server.route('/utf16', { kind: 'document', body: utf16, contentType: 'application/xml' });
    server.route('/lone', { kind: 'document', body: lone, contentType: 'application/xml' });
    server.route('/token', { kind: 'document', body: rss(item(token, 'urn:u:3')) });
    t = await testDeps({
      watches: [
        {
          id: 'alice',
          names: ['Alice'],
          feeds: [`${server.url}/utf16`, `${server.url}/lone`, `${server.url}/token`],
        },
      ],
      archive: { minLevel: 'severe' },
    });
    const outcomes = await pollAll(t.deps);
    expect(outcomes.map((o) => [o.ok, o.stored, o.error])).toEqual([
      [true, 1, undefined],
      [true, 1, undefined],
      [true, 1, undefined],
    ]);
    const texts = (await toArray(t.deps.posts.iterateMentions({ watchId: 'alice' }))).map((p) => p.text);
    expect(texts).toContain('Alice en UTF-16 😀');
    expect(texts).toContain('Alice \ufffd seule');
    expect(texts).toContain(token);
    const zip = path.join(t.dir, 'dossier.zip');
    await writeDossier(t.deps, { watchId: 'alice', minLevel: 'none', actor: 'test' }, zip);
    const v = await verifyDossier(zip);
    expect(v.summary).toMatch(/^intact/);
  }, 60_000);
});
