import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import type { CaptureHost } from '../../../src/evidence/capture/capture-host.ts';
import { VERSION } from '../../../src/version.ts';
import { startCapturePages, startSelfSignedPages, type CapturePages } from '../../fakes/capture-pages.ts';
import { storePosts } from '../helpers.ts';
import { captureKit, sharedBrowser, type CaptureKit } from './capture-kit.ts';

// The real Chromium (Debian's, /usr/bin/chromium) against pages on 127.0.0.1.

let browser: CaptureHost;
let pages: CapturePages;
const kits: CaptureKit[] = [];
beforeAll(async () => {
  browser = sharedBrowser();
  pages = await startCapturePages();
});
afterAll(async () => {
  await browser.close();
  await pages.close();
});
afterEach(async () => {
  for (const k of kits.splice(0)) await k.store.close();
});

async function kit(
  capture: Record<string, unknown> = {},
  raw: Record<string, unknown> = {},
): Promise<CaptureKit> {
  const k = await captureKit(browser, capture, raw);
  kits.push(k);
  return k;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function warcRecords(bytes: Buffer) {
  const out: { type: string; url: string | undefined; headers: Map<string, string>; body: string }[] = [];
  for await (const r of new WARCParser([bytes])) {
    const body = Buffer.from(await r.readFully(false)).toString('utf8');
    out.push({
      type: r.warcType ?? '',
      url: r.warcTargetURI ?? undefined,
      headers: new Map([...r.warcHeaders.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
      body,
    });
  }
  return out;
}

describe('local captures in a real browser', () => {
  it('captures a social post page: PNG, PDF and WARC on disk, hashed in a collection-log row', async () => {
    const k = await kit();
    const url = `${pages.url}/post/a1`;
    const [id] = await storePosts(k.store, [{ externalId: 'a1', url, platform: 'mastodon' }]);
    const before = Date.now();
    const s = await k.capturer.run({ watchId: 'alice' });
    expect(s).toMatchObject({ enrolled: 1, captured: 1, failed: 0, remaining: 0, browser: 'ok' });

    const png = await k.file(id!, 'page.png');
    const pdf = await k.file(id!, 'page.pdf');
    const warc = await k.file(id!, 'page.warc');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(warc.subarray(0, 9).toString('latin1')).toBe('WARC/1.1\r');

    const row = (await k.captures.get(id!))!;
    expect(row).toMatchObject({
      status: 'captured',
      method: 'page',
      requestedUrl: url,
      finalUrl: url,
      httpStatus: 200,
    });
    expect(row.dir).toBe(`captures/alice/${id}`);

    const log = await k.collectionLog(id!);
    expect(log).toMatchObject({
      method: 'page',
      requestedUrl: url,
      finalUrl: url,
      httpStatus: 200,
      redirects: [],
      tls: null,
      ignoreTlsErrors: false,
      vigieVersion: VERSION,
      warcComplete: true,
    });
    expect((log.browser as { name: string; version: string }).name).toBe('chromium');
    expect((log.browser as { version: string }).version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const started = Date.parse(log.startedAt as string);
    const ended = Date.parse(log.endedAt as string);
    expect(started).toBeGreaterThanOrEqual(before - 1000);
    expect(ended).toBeGreaterThanOrEqual(started);
    expect((log.startedAt as string).endsWith('Z')).toBe(true);
    // Each file's hash and size, as recorded at capture, match the bytes on disk.
    expect(log.files.map((f) => f.name).sort()).toEqual(['page.pdf', 'page.png', 'page.warc']);
    for (const f of log.files) {
      const bytes = await k.file(id!, f.name);
      expect(f).toEqual({ name: f.name, sha256: sha256(bytes), size: bytes.length });
    }
    expect(row.files).toEqual(log.files);
    expect((await k.store.ledger.verify()).ok).toBe(true);

    // The WARC: warcinfo, then request/response pairs of the page and of its subresources.
    const records = await warcRecords(warc);
    expect(records[0]!.type).toBe('warcinfo');
    expect(records[0]!.body).toContain(`Vigie ${VERSION}`);
    const responses = records.filter((r) => r.type === 'response');
    const main = responses.find((r) => r.url === url)!;
    expect(main.body).toContain('un message hostile envers Alice Martin');
    expect(main.headers.get('warc-payload-digest')).toMatch(/^sha256:[A-Z2-7]+=*$/);
    expect(main.headers.get('warc-ip-address')).toBe('127.0.0.1');
    expect(responses.map((r) => r.url)).toEqual(
      expect.arrayContaining([`${pages.url}/static/avatar.png`, `${pages.url}/static/site.css`]),
    );
    expect(records.filter((r) => r.type === 'request').map((r) => r.url)).toContain(url);
  });

  it('records the redirect chain and the final URL', async () => {
    const k = await kit();
    const [id] = await storePosts(k.store, [
      { externalId: 'r1', url: `${pages.url}/redirect`, platform: 'reddit' },
    ]);
    await k.capturer.run({ watchId: 'alice' });
    const log = await k.collectionLog(id!);
    expect(log).toMatchObject({
      requestedUrl: `${pages.url}/redirect`,
      finalUrl: `${pages.url}/post/redirected`,
      redirects: [`${pages.url}/redirect`],
      httpStatus: 200,
    });
  });

  it('captures an X post through its public embed page', async () => {
    const k = await kit({ xEmbedUrl: `${pages.url}/embed/Tweet.html` });
    const [id] = await storePosts(k.store, [
      {
        externalId: '1790000000000000001',
        url: 'https://x.com/troll1/status/1790000000000000001',
        platform: 'x',
      },
    ]);
    await k.capturer.run({ watchId: 'alice' });
    const embed = `${pages.url}/embed/Tweet.html?id=1790000000000000001`;
    expect(await k.captures.get(id!)).toMatchObject({
      status: 'captured',
      method: 'x-embed',
      requestedUrl: embed,
      finalUrl: embed,
    });
    expect(await k.collectionLog(id!)).toMatchObject({
      method: 'x-embed',
      requestedUrl: embed,
      httpStatus: 200,
    });
    expect(await k.collectionLog(id!)).not.toHaveProperty('note');
    const records = await warcRecords(await k.file(id!, 'page.warc'));
    expect(records.find((r) => r.type === 'response' && r.url === embed)!.body).toContain(
      'Embedded post 1790000000000000001',
    );
  });

  it('renders the stored API answer as a titled card when the X embed fails, escaping its text', async () => {
    // The embed's post is waited for up to the navigation time-out (10 s at most).
    const k = await kit({ xEmbedUrl: `${pages.url}/embed/Tweet.html`, navigationTimeoutMs: 2000 });
    const raw = JSON.stringify({
      data: {
        id: 'gone42',
        text: '<script>alert(1)</script> dégage',
        author_id: 'u1',
        created_at: '2026-11-20T09:59:00Z',
      },
      includes: { users: [{ id: 'u1', username: 'troll<b>1', name: 'Troll' }] },
    });
    const seenAt = Date.UTC(2026, 10, 20, 10, 5, 0);
    const [id, id2] = await storePosts(
      k.store,
      [
        { externalId: 'gone42', url: 'https://x.com/troll1/status/42', platform: 'x', raw },
        { externalId: 'err43', url: 'https://x.com/troll1/status/43', platform: 'x' },
      ],
      seenAt,
    );
    await k.capturer.run({ watchId: 'alice' });
    for (const p of [id!, id2!])
      expect(await k.captures.get(p)).toMatchObject({ status: 'captured', method: 'x-card' });
    const log = await k.collectionLog(id!);
    expect(log.method).toBe('x-card');
    expect(log.note).toContain(
      'A rendering of the API answer received at 2026-11-20T10:05:00.000Z (not a screenshot of x.com)',
    );
    expect(log.note).toContain('the embed page showed no post');
    expect((await k.collectionLog(id2!)).note).toContain(
      'the public embed failed: the page answered HTTP 500',
    );
    expect((await k.file(id!, 'page.png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    const records = await warcRecords(await k.file(id!, 'page.warc'));
    const card = records.find((r) => r.type === 'resource')!;
    expect(card.url).toBe('urn:vigie:x-card:gone42');
    expect(card.body).toContain('A rendering of the API answer received at 2026-11-20T10:05:00.000Z');
    expect(card.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; dégage');
    expect(card.body).toContain('troll&lt;b&gt;1');
    expect(card.body).not.toContain('<script>');
  }, 60_000);

  it('retries a 404 later without keeping files, then gives up and says so in the ledger', async () => {
    const k = await kit({ maxAttempts: 2, retryDelayMs: 0 });
    const [id] = await storePosts(k.store, [
      { externalId: 'm1', url: `${pages.url}/missing`, platform: 'web' },
    ]);
    const first = await k.capturer.run({ watchId: 'alice' });
    // A retry delay of 0 makes the row due again at once: the pass goes on until attempts run out.
    expect(first.captured).toBe(0);
    const row = (await k.captures.get(id!))!;
    expect(row).toMatchObject({ status: 'failed', attempts: 2, files: [], dir: null });
    expect(row.lastError).toContain('HTTP 404');
    const failed = (await k.store.ledger.eventsForPost(id!)).filter((e) => e.type === 'capture_failed');
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.data)).toMatchObject({ attempts: 2 });
  });

  it('ends a page that never answers at the navigation time-out, and tries again later', async () => {
    const k = await kit({ navigationTimeoutMs: 1500, retryDelayMs: 60_000 });
    const [id] = await storePosts(k.store, [{ externalId: 'h1', url: `${pages.url}/hang`, platform: 'web' }]);
    const t0 = Date.now();
    const s = await k.capturer.run({ watchId: 'alice' });
    const took = Date.now() - t0;
    expect(s).toMatchObject({ captured: 0, retried: 1, remaining: 1, browser: 'ok' });
    expect(took).toBeLessThan(15_000);
    const row = (await k.captures.get(id!))!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/Timeout 1500ms exceeded/);
    expect(row.nextAttemptAt).toBeGreaterThan(Date.now() + 50_000);
  });

  it('refuses a page at a private address unless network.allowPrivateAddresses', async () => {
    const k = await kit({ retryDelayMs: 60_000 }, { network: { allowPrivateAddresses: false } });
    const path = '/post/private-1';
    const [id] = await storePosts(k.store, [
      { externalId: 'p1', url: `${pages.url}${path}`, platform: 'web' },
    ]);
    await k.capturer.run({ watchId: 'alice' });
    expect((await k.captures.get(id!))!.lastError).toMatch(/127\.0\.0\.1 is not allowed \(loopback\)/);
    expect(pages.requests).not.toContain(path);
  });
});

describe('a site with a self-signed certificate', () => {
  let tlsPages: Awaited<ReturnType<typeof startSelfSignedPages>>;
  beforeAll(async () => {
    tlsPages = await startSelfSignedPages();
  });
  afterAll(() => tlsPages.close());

  it('is refused by default, and captured with capture.ignoreTlsErrors, which the collection log records with the certificate', async () => {
    const strict = await kit({ retryDelayMs: 60_000 });
    const [refused] = await storePosts(strict.store, [
      { externalId: 's1', url: `${tlsPages.url}/post/s1`, platform: 'web' },
    ]);
    await strict.capturer.run({ watchId: 'alice' });
    expect((await strict.captures.get(refused!))!.lastError).toMatch(/ERR_CERT_AUTHORITY_INVALID|ERR_CERT/);

    const lax = await kit({ ignoreTlsErrors: true });
    const url = `${tlsPages.url}/post/s2`;
    const [id] = await storePosts(lax.store, [{ externalId: 's2', url, platform: 'web' }]);
    await lax.capturer.run({ watchId: 'alice' });
    const log = await lax.collectionLog(id!);
    const cert = new X509Certificate(tlsPages.certPem);
    expect(log).toMatchObject({ finalUrl: url, httpStatus: 200, ignoreTlsErrors: true });
    const tls = log.tls as {
      browser: { issuer: string; protocol: string };
      certificate: {
        fingerprintSha256: string;
        issuer: string;
        subject: string;
        trusted: boolean;
        trustError: string;
        validTo: string;
      };
    };
    expect(tls.certificate.fingerprintSha256).toBe(cert.fingerprint256);
    expect(tls.certificate.trusted).toBe(false);
    expect(tls.certificate.trustError).toMatch(/SELF_SIGNED/);
    expect(tls.certificate.subject).toContain('O=Vigie test site');
    expect(tls.certificate.issuer).toContain('CN=127.0.0.1');
    expect(tls.certificate.validTo).toBe(new Date(cert.validTo).toISOString());
    expect(tls.browser.issuer).toBe('127.0.0.1');
    expect(tls.browser.protocol).toMatch(/TLS/);
  });
});
