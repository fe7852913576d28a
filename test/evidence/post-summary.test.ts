import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { renderPostSummary } from '../../src/evidence/post-summary.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

let store: TestStore | undefined;
afterEach(() => store?.close());

describe('the one-page summary of a post', () => {
  it('escapes a hostile author name and text; shows the PNG capture or says there is none', async () => {
    store = await makeStore();
    await storePosts(store, [
      {
        externalId: 'evil',
        level: 'severe',
        categories: ['threat'],
        author: '<script>alert(1)</script>"><img src=x onerror=alert(2)>',
        text: 'je sais où tu es </pre><script>alert(3)</script>',
      },
    ]);
    const [p] = await store.dossierPosts.select({ watchId: 'alice', levels: ['severe'] });
    const none = renderPostSummary(p!, { lang: 'fr', timeZone: 'Europe/Paris', captures: [] });
    expect(none).not.toMatch(/<script>alert|<img src=x|onerror=alert\(2\)>/);
    expect(none).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
    expect(none).toContain('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(none).toContain('Pas de capture d’écran de cette publication dans ce dossier.');
    expect(none).toContain('@page{size:A4');
    expect(none).toContain('art. 222-17 du code pénal');
    const withPng = renderPostSummary(p!, {
      lang: 'en',
      timeZone: 'Europe/Paris',
      captures: [{ kind: 'png', path: 'captures/1/page.png', sha256: 'ab'.repeat(32) }],
    });
    expect(withPng).toContain('<img class="thumb" src="../captures/1/page.png" alt="Page capture">');
    expect(withPng).toContain(`captures/1/page.png: ${'ab'.repeat(32)}`);
    expect(withPng).not.toContain('No screenshot');
    expect(withPng).toMatch(/\(Europe\/Paris\)/);
  });

  it('each post of a dossier has its summary, covered by the manifest', async () => {
    store = await makeStore();
    const ids = await storePosts(store, [
      { externalId: 'a', level: 'high' },
      { externalId: 'b', level: 'medium' },
    ]);
    const zip = path.join(store.dir, 'd.zip');
    await writeDossier(store, { watchId: 'alice', lang: 'fr' }, zip);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { files: Record<string, string> };
    for (const id of ids) expect(manifest.files[`summaries/post-${id}.html`]).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyDossier(zip)).ok).toBe(true);
  });
});
