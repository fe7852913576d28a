import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { createHash } from 'node:crypto';
import { writeDossier } from '../../src/evidence/dossier.ts';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { createArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';

let store: TestStore;
let zipFile: string;
let files: Record<string, Uint8Array>;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  store = await makeStore({
    watches: [
      { id: 'alice', names: ['Alice Martin'] },
      { id: 'bob', names: ['Bob'] },
    ],
  });
  await store.sources.syncForWatch('bob', [{ kind: 'feed', target: 'http://127.0.0.1:9/bob.xml' }]);
  const ids = await storePosts(store, [
    {
      externalId: 'threat',
      text: 'je vais te tuer',
      level: 'severe',
      categories: ['threat', 'insult'],
      createdAt: Date.UTC(2026, 10, 20, 9),
    },
    {
      externalId: 'xss',
      text: '<script>alert("pwned")</script><img src=x onerror=alert(1)>',
      level: 'high',
      author: 'evil</dd><script>',
      createdAt: Date.UTC(2026, 10, 20, 10),
    },
    {
      externalId: 'f1',
      text: '=HYPERLINK("http://evil.example","click")',
      level: 'medium',
      author: '@SUM(1+1)',
    },
    { externalId: 'f2', text: '+33 6 12 34 56 78', level: 'medium' },
    { externalId: 'f3', text: '-2+3', level: 'medium' },
    { externalId: 'f4', text: '\tcmd', level: 'medium' },
    { externalId: 'f5', text: '\r=1+1', level: 'medium' },
    { externalId: 'js', text: 'link', url: 'javascript:alert(1)', level: 'medium' },
    { externalId: 'calm', text: 'bravo Alice', level: 'none' },
  ]);
  // Another watch's events interleave in the chain: they are sealed in this dossier.
  const bobSource = (await store.sources.listEnabled('bob'))[0]!.id;
  const { post } = await import('./helpers.ts');
  await store.posts.storePage({
    watchId: 'bob',
    sourceId: bobSource,
    seenAt: Date.now(),
    posts: [post({ externalId: 'bob1', text: 'secret of bob' })],
  });
  const archives = createArchiveRepo(store.store, store.ledger);
  await archives.enrollPosts([ids[0]!], 'auto', Date.now());
  await archives.markArchived((await archives.get(ids[0]!))!, {
    now: Date.now(),
    captureUrl: 'https://web.archive.org/web/20261120090500/https://example.org/p/threat',
    timestamp: '20261120090500',
    via: 'spn2',
  });
  zipFile = path.join(store.dir, 'dossier.zip');
  const r = await writeDossier(store, { watchId: 'alice', actor: 'proxy:carol' }, zipFile);
  expect(r.posts).toBe(8);
  expect(r.sha256).toBe(sha(readFileSync(zipFile)));
  files = unzipSync(new Uint8Array(readFileSync(zipFile)));
}, 60_000);

afterAll(() => store?.close());

function rezip(change: (f: Record<string, Uint8Array>) => void): string {
  const copy = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)]));
  change(copy);
  const out = path.join(store.dir, `tampered-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(out, zipSync(copy));
  return out;
}

describe('dossier export and verify', () => {
  it('holds the expected files and passes verify untouched', async () => {
    // Besides the content files, one printable summary per post (8 posts).
    expect(
      Object.keys(files)
        .filter((n) => !n.startsWith('summaries/'))
        .sort(),
    ).toEqual([
      'ledger.jsonl',
      'manifest.json',
      'manifest.json.sha256',
      'posts.csv',
      'posts.jsonl',
      'report.html',
    ]);
    expect(Object.keys(files).filter((n) => /^summaries\/post-\d+\.html$/.test(n))).toHaveLength(8);
    const v = await verifyDossier(zipFile);
    expect(v.ok).toBe(true);
    expect(v.summary).toMatch(
      /^intact: 14 files, 8 posts with matching payload hashes, \d+ ledger rows chained to head [0-9a-f]{64}/,
    );
  });

  it('records an `exported` event with the ZIP hash, and seals other watches in ledger.jsonl', async () => {
    const exported = await createLedger(store.store).ofWatchAndType('alice', 'exported');
    expect(exported).toHaveLength(1);
    expect(exported[0]!.actor).toBe('proxy:carol');
    expect(JSON.parse(exported[0]!.data).sha256).toBe(sha(readFileSync(zipFile)));
    const ledger = strFromU8(files['ledger.jsonl']!);
    expect(ledger).not.toContain('bob1');
    expect(ledger).toContain('"sealed":true');
  });

  it('keeps raw payloads exactly as received in posts.jsonl', () => {
    const lines = strFromU8(files['posts.jsonl']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const p of lines) expect(sha(Buffer.from(p.raw, 'utf8'))).toBe(p.rawSha256);
    expect(lines.map((p) => p.externalId)).not.toContain('calm');
  });

  it.each([
    'report.html',
    'posts.csv',
    'posts.jsonl',
    'ledger.jsonl',
    'manifest.json',
    'manifest.json.sha256',
  ])('fails verify when one byte of %s is flipped', async (name) => {
    for (const at of [0, 0.5, 0.999]) {
      const file = rezip((f) => {
        const b = f[name]!;
        const i = Math.floor(at * (b.length - 1));
        b[i] = b[i]! ^ 0x01;
      });
      const v = await verifyDossier(file);
      expect(v.ok).toBe(false);
      expect(v.firstMismatch).toContain(name);
    }
  });

  it('fails verify when a file is added or removed, or the ZIP itself is damaged', async () => {
    expect((await verifyDossier(rezip((f) => (f['extra.txt'] = strToU8('x'))))).firstMismatch).toBe(
      'extra.txt: a file not listed in the manifest was added',
    );
    expect(await verifyDossier(rezip((f) => delete f['posts.csv']))).toMatchObject({
      ok: false,
      firstMismatch: 'posts.csv is missing',
    });
    const raw = new Uint8Array(readFileSync(zipFile));
    const at = Math.floor(raw.length / 3);
    raw[at] = raw[at]! ^ 0xff;
    const damaged = path.join(store.dir, 'damaged.zip');
    writeFileSync(damaged, raw);
    expect((await verifyDossier(damaged)).ok).toBe(false);
  });

  it('catches a changed payload even when the forger recomputes the file hashes of the manifest', async () => {
    const file = rezip((f) => {
      const text = strFromU8(f['posts.jsonl']!).replaceAll('je vais te tuer', 'je vais te voir');
      f['posts.jsonl'] = strToU8(text);
      const manifest = JSON.parse(strFromU8(f['manifest.json']!));
      manifest.files['posts.jsonl'] = sha(f['posts.jsonl']);
      f['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
      f['manifest.json.sha256'] = strToU8(`${sha(f['manifest.json'])}  manifest.json\n`);
    });
    const v = await verifyDossier(file);
    expect(v.ok).toBe(false);
    expect(v.firstMismatch).toMatch(
      /^posts.jsonl line 1 \(post \d+\): the payload does not match its SHA-256$/,
    );
  });

  it('catches a changed display text whose raw payload was left alone (the ledger holds the text hash)', async () => {
    const file = rezip((f) => {
      const lines = strFromU8(f['posts.jsonl']!)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      lines[0].text = 'je vais te voir';
      f['posts.jsonl'] = strToU8(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      const manifest = JSON.parse(strFromU8(f['manifest.json']!));
      manifest.files['posts.jsonl'] = sha(f['posts.jsonl']);
      f['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
      f['manifest.json.sha256'] = strToU8(`${sha(f['manifest.json'])}  manifest.json\n`);
    });
    expect((await verifyDossier(file)).firstMismatch).toMatch(
      /^posts.jsonl line 1 \(post \d+\): the text differs from the one recorded at capture$/,
    );
  });

  it('neutralises spreadsheet formulas in posts.csv', () => {
    const csv = strFromU8(files['posts.csv']!);
    // UTF-8 byte order mark (TextDecoder drops it from the string), then the header.
    expect([...files['posts.csv']!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.startsWith('"id","platform"')).toBe(true);
    // No quoted cell starts with a formula character…
    expect(csv).not.toMatch(/(^|,)"[=+\-@\t\r]/m);
    // …and the values are kept, behind an apostrophe.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain(`"'@SUM(1+1)"`);
    expect(csv).toContain(`"'+33 6 12 34 56 78"`);
    expect(csv).toContain(`"'-2+3"`);
    expect(csv).toContain(`"'\tcmd"`);
    expect(csv).toContain(`"'\r=1+1"`);
  });

  it('keeps <script> in post text inert in report.html, grouped by offence, in French and English', () => {
    const html = strFromU8(files['report.html']!);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('evil&lt;/dd&gt;&lt;script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/(src|href)="https?:\/\/(?!example\.org|web\.archive\.org)/);
    // Threats come first, then insults; the threat post is shown once, under threats.
    const threats = html.indexOf('id="cat_threat"');
    const insults = html.indexOf('id="cat_insult"');
    expect(threats).toBeGreaterThan(0);
    expect(insults).toBeGreaterThan(threats);
    expect(html.match(/je vais te tuer/g)).toHaveLength(1);
    expect(html).toContain('Menaces (de mort, de viol, de crime) / Threats (death, rape, crime)');
    expect(html).toContain('Comment vérifier ce dossier / How to verify this dossier');
    expect(html).toContain('https://web.archive.org/web/20261120090500/https://example.org/p/threat');
    expect(html).toContain('class="timeline"');
  });
});
