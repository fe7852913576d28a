import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { createCaptureHost, type CaptureHost } from '../../src/evidence/capture/capture-host.ts';
import { createCapturer } from '../../src/evidence/capture/capturer.ts';
import { createLedgerStamper } from '../../src/evidence/ledger-stamper.ts';
import { createLedgerTimestampsRepo } from '../../src/evidence/ledger-timestamps-repo.ts';
import type { Manifest } from '../../src/evidence/dossier.ts';
import { startCapturePages, type CapturePages } from '../fakes/capture-pages.ts';
import { startFakeTsa, type FakeTsa } from '../fakes/tsa.ts';
import { login, makeFixture, postForm, type Fixture } from './helpers.ts';

// The whole evidence path as a proxy meets it: an X post and a web page are captured in Chromium
// (PNG, PDF, WARC, a collection-log row each), a proxy reviews one and reports the other from the
// dashboard, a timestamp authority time-stamps the custody log's head, and the dossier downloaded
// from the dashboard holds all of it; `verify` passes, and names any capture file that changed.

let pages: CapturePages;
let tsa: FakeTsa;
let browser: CaptureHost;
let f: Fixture;
let webId: number;
let xId: number;
let zipFile: string;
let files: Record<string, Uint8Array>;

interface LedgerLine {
  id: number;
  type: string;
  postId: number | null;
  actor: string;
  data: string;
}

beforeAll(async () => {
  [pages, tsa] = await Promise.all([startCapturePages(), startFakeTsa()]);
  f = await makeFixture({
    network: { allowPrivateAddresses: true },
    archive: { timestampAuthorities: [tsa.url] },
    capture: {
      enabled: true,
      xEmbedUrl: `${pages.url}/embed/Tweet.html`,
      navigationTimeoutMs: 10_000,
      captureTimeoutMs: 30_000,
    },
  });
  await f.addUser('owner@example.org', 'owner', ['alice']);
  await f.addUser('proxy@example.org', 'proxy', ['alice']);
  [webId, xId] = (await f.addPosts('alice', [
    {
      text: 'je vais te retrouver',
      handle: 'h1',
      level: 'severe',
      categories: ['threat'],
      url: `${pages.url}/post/w1`,
    },
    {
      text: 'tu vas voir ce qui va t’arriver',
      handle: 'troll1',
      level: 'high',
      categories: ['threat'],
      platform: 'x',
      externalId: '1234567',
      url: 'https://x.com/troll1/status/1234567',
    },
  ])) as [number, number];

  browser = createCaptureHost({ executablePath: '/usr/bin/chromium' });
  const capturer = createCapturer({
    config: f.deps.config!,
    log: f.deps.log,
    watches: f.deps.watches,
    captures: f.captures!,
    browser,
  });
  expect((await capturer.run({ watchId: 'alice' })).captured).toBe(2);

  const proxy = await login(f.app, 'proxy@example.org');
  const act = (fields: Record<string, string | string[]>) =>
    postForm(f.app, proxy, '/triage/bulk', fields, '/triage');
  expect((await act({ ids: [String(xId)], action: 'reviewed' })).statusCode).toBe(303);
  const report = {
    ids: [String(webId)],
    action: 'report',
    channel: 'pharos',
    reportedAt: '2026-12-01T10:15:00Z',
    reference: 'PH-2026-0042',
  };
  expect((await act(report)).statusCode).toBe(303);

  const stamper = createLedgerStamper({
    config: f.deps.config!,
    ledger: f.ledger,
    stamps: createLedgerTimestampsRepo(f.store),
    log: f.deps.log,
  });
  expect((await stamper.run()).stamped).toEqual([tsa.url]);

  const owner = await login(f.app, 'owner@example.org');
  const res = await postForm(
    f.app,
    owner,
    '/exports',
    { watch: 'alice', minLevel: 'low', lang: 'fr' },
    '/exports',
  );
  expect(res.statusCode).toBe(200);
  const bytes = (res as unknown as { rawPayload: Buffer }).rawPayload;
  zipFile = path.join(mkdtempSync(path.join(tmpdir(), 'vigie-dossier-')), 'dossier.zip');
  writeFileSync(zipFile, bytes);
  files = unzipSync(new Uint8Array(bytes));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await f?.close();
  await Promise.all([pages?.close(), tsa?.close()]);
});

const ledgerLines = (): LedgerLine[] =>
  strFromU8(files['ledger.jsonl']!)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerLine);

describe('a dossier downloaded after captures, decisions and a timestamp', () => {
  it('holds a PNG, a PDF and a WARC for the X post and the web page, each described by its collection-log row', () => {
    const ledger = ledgerLines();
    for (const id of [webId, xId]) {
      expect(strFromU8(files[`captures/${id}/page.png`]!.subarray(1, 4))).toBe('PNG');
      expect(strFromU8(files[`captures/${id}/page.pdf`]!.subarray(0, 5))).toBe('%PDF-');
      expect(strFromU8(files[`captures/${id}/page.warc`]!.subarray(0, 9))).toBe('WARC/1.1\r');
      const row = ledger.find((r) => r.type === 'page_captured' && r.postId === id);
      const log = JSON.parse(row!.data) as {
        requestedUrl: string;
        files: { name: string; sha256: string }[];
      };
      expect(log.files.map((x) => x.name).sort()).toEqual(['page.pdf', 'page.png', 'page.warc']);
    }
  });

  it('carries the review and the report as custody events, in the report and in the one-page summaries', () => {
    const ledger = ledgerLines();
    expect(ledger.find((r) => r.type === 'reviewed')).toMatchObject({
      postId: xId,
      actor: 'proxy@example.org',
    });
    expect(ledger.find((r) => r.type === 'reported')).toMatchObject({
      postId: webId,
      actor: 'proxy@example.org',
    });
    expect(strFromU8(files['report.html']!)).toContain('PH-2026-0042');
    const summary = strFromU8(files[`summaries/post-${webId}.html`]!);
    expect(summary).toContain('PH-2026-0042');
    expect(summary).toContain(`../captures/${webId}/page.png`);
  });

  it('verifies, with the custody log time-stamped after every capture and decision', async () => {
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    const stamped = manifest.ledgerTimestamps!;
    expect(stamped).toHaveLength(1);
    const lastEvent = Math.max(...ledgerLines().map((r) => r.id));
    expect(stamped[0]!.ledgerId).toBe(lastEvent);
    const v = await verifyDossier(zipFile, {
      tsaCerts: [new X509Certificate(readFileSync(tsa.certFile))],
    });
    expect(v.ok).toBe(true);
    expect(v.summary).toContain(`(and every row before it) time-stamped at`);
  });

  for (const name of ['page.png', 'page.pdf', 'page.warc']) {
    it(`fails naming the X post's ${name} when one of its bytes changes`, async () => {
      const copy = Object.fromEntries(Object.entries(files).map(([n, v]) => [n, new Uint8Array(v)]));
      const entry = `captures/${xId}/${name}`;
      copy[entry]![Math.floor(copy[entry]!.length / 2)]! ^= 0x01;
      const tampered = path.join(path.dirname(zipFile), `tampered-${name}.zip`);
      writeFileSync(tampered, zipSync(copy));
      const v = await verifyDossier(tampered);
      expect(v.ok).toBe(false);
      expect(v.mismatches).toContain(`${entry}: its SHA-256 differs from the manifest`);
    });
  }
});
