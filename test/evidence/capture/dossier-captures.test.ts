import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDossier } from '../../../src/evidence/dossier.ts';
import { verifyDossier } from '../../../src/evidence/verify.ts';
import { sha256Hex } from '../../../src/db/ledger/ledger-hash.ts';
import type { CaptureHost } from '../../../src/evidence/capture/capture-host.ts';
import { startCapturePages, type CapturePages } from '../../fakes/capture-pages.ts';
import { storePosts } from '../helpers.ts';
import { captureKit, sharedBrowser, type CaptureKit } from './capture-kit.ts';

// A dossier carries each post's PNG, PDF and WARC with their SHA-256 in the manifest; one flipped
// byte in any of them makes `verify` fail naming the file.

let browser: CaptureHost;
let pages: CapturePages;
let k: CaptureKit;
let zipFile: string;
let files: Record<string, Uint8Array>;
let webId: number;
let xId: number;

beforeAll(async () => {
  browser = sharedBrowser();
  pages = await startCapturePages();
  k = await captureKit(browser, { xEmbedUrl: `${pages.url}/embed/Tweet.html`, navigationTimeoutMs: 3000 });
  [webId, xId] = (await storePosts(k.store, [
    { externalId: 'w1', url: `${pages.url}/post/w1`, platform: 'web' },
    { externalId: 'gone7', url: 'https://x.com/troll1/status/7', platform: 'x' },
  ])) as [number, number];
  const s = await k.capturer.run({ watchId: 'alice' });
  expect(s.captured).toBe(2);
  zipFile = path.join(k.store.dir, 'dossier.zip');
  await writeDossier({ ...k.store, captures: k.captures }, { watchId: 'alice' }, zipFile);
  files = unzipSync(new Uint8Array(readFileSync(zipFile)));
}, 90_000);
afterAll(async () => {
  await k.store.close();
  await browser.close();
  await pages.close();
});

function rezip(change: (f: Record<string, Uint8Array>) => void): string {
  const copy = Object.fromEntries(Object.entries(files).map(([n, v]) => [n, new Uint8Array(v)]));
  change(copy);
  const out = path.join(k.store.dir, `tampered-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(out, zipSync(copy));
  return out;
}

describe('captures in the dossier', () => {
  it('holds every capture file with its SHA-256 in the manifest, and verifies', async () => {
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { files: Record<string, string> };
    for (const id of [webId, xId])
      for (const name of ['page.png', 'page.pdf', 'page.warc']) {
        const entry = `captures/${id}/${name}`;
        expect(files[entry]?.length).toBeGreaterThan(0);
        expect(manifest.files[entry]).toBe(sha256Hex(files[entry]!));
        expect(manifest.files[entry]).toBe(sha256Hex(await k.file(id, name)));
      }
    const v = await verifyDossier(zipFile);
    expect(v.summary).toMatch(/^intact: 14 files/);
    expect(v.ok).toBe(true);
  });

  for (const name of ['page.png', 'page.pdf', 'page.warc']) {
    it(`fails naming ${name} when one of its bytes is flipped`, async () => {
      const entry = `captures/${webId}/${name}`;
      const v = await verifyDossier(
        rezip((f) => {
          const bytes = f[entry]!;
          bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        }),
      );
      expect(v.ok).toBe(false);
      expect(v.mismatches).toContain(`${entry}: its SHA-256 differs from the manifest`);
      expect(v.mismatches).toContain(
        `${entry}: its SHA-256 differs from the one recorded at capture in ledger.jsonl`,
      );
    });
  }

  it('catches a capture replaced with its manifest rewritten to match: the ledger recorded the original', async () => {
    const entry = `captures/${xId}/page.png`;
    const v = await verifyDossier(
      rezip((f) => {
        f[entry] = strToU8('not the captured picture');
        const manifest = JSON.parse(strFromU8(f['manifest.json']!)) as { files: Record<string, string> };
        manifest.files[entry] = sha256Hex(f[entry]);
        f['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
        f['manifest.json.sha256'] = strToU8(`${sha256Hex(f['manifest.json'])}  manifest.json\n`);
      }),
    );
    expect(v.ok).toBe(false);
    expect(v.mismatches).toEqual([
      `${entry}: its SHA-256 differs from the one recorded at capture in ledger.jsonl`,
    ]);
  });
});
