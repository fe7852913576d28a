import { sql } from 'drizzle-orm';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyDossier } from '../../src/evidence/verify.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { makeStore } from './helpers.ts';
import { roundTrips } from './export-and-verify.ts';

// Post text and payloads are attacker-written: whatever string comes in, the dossier exported
// from it must verify untouched (any string at all: any-text-round-trip.test.ts).

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const trips = roundTrips();
const { exportAndVerify } = trips;

describe('text round trip: store → export → verify', () => {
  it('a post with an unpaired surrogate exports a dossier that verifies, stored as one U+FFFD', async () => {
    const { verdict } = await exportAndVerify([
      { text: 'sale \ud800 conne', raw: '{"t":"\ud800"}', author: 'tr\udc00ll' },
    ]);
    expect(verdict.summary).toMatch(/^intact/);
    const row = (await trips.store!.store.get<Record<string, string>>(
      sql`select text, raw, author_handle from posts`,
    ))!;
    expect(row.text).toBe('sale \ufffd conne');
    expect(row.raw).toBe('{"t":"\ufffd"}');
    expect(row.author_handle).toBe('tr\ufffdll');
    expect((await createLedger(trips.store!.store).verify()).ok).toBe(true);
  });
});

describe('verify reports every mismatch', () => {
  it('names each tampered post line and ledger row, not only the first', async () => {
    const { file } = await exportAndVerify([
      { text: 'un', raw: 'r1', author: 'a' },
      { text: 'deux', raw: 'r2', author: 'b' },
      { text: 'trois', raw: 'r3', author: 'c' },
    ]);
    const files = unzipSync(new Uint8Array(readFileSync(file)));
    const posts = strFromU8(files['posts.jsonl']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    posts[0].text = 'forged one';
    posts[2].raw = 'forged three';
    files['posts.jsonl'] = strToU8(posts.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const ledger = strFromU8(files['ledger.jsonl']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    ledger[1].at += 1;
    ledger[4].actor = 'someone else';
    files['ledger.jsonl'] = strToU8(ledger.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    manifest.files['posts.jsonl'] = sha(files['posts.jsonl']);
    manifest.files['ledger.jsonl'] = sha(files['ledger.jsonl']);
    files['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
    files['manifest.json.sha256'] = strToU8(`${sha(files['manifest.json'])}  manifest.json\n`);
    const forged = path.join(trips.store!.dir, 'forged.zip');
    writeFileSync(forged, zipSync(files));

    const v = await verifyDossier(forged);
    expect(v.ok).toBe(false);
    expect(v.mismatches).toEqual([
      `ledger.jsonl row ${ledger[1].id}: the hash does not match the row's content`,
      `ledger.jsonl row ${ledger[4].id}: the hash does not match the row's content`,
      `posts.jsonl line 1 (post ${posts[0].id}): the text differs from the one recorded at capture`,
      `posts.jsonl line 3 (post ${posts[2].id}): the payload does not match its SHA-256`,
    ]);
    expect(v.summary).toMatch(/^NOT intact: 4 mismatches:\n {2}- ledger.jsonl row/);
  });

  it('says a missing file or a file that is no ZIP cannot be read, instead of judging it', async () => {
    const store = await makeStore();
    try {
      const missing = await verifyDossier(path.join(store.dir, 'nope.zip'));
      expect(missing).toMatchObject({ ok: false, unreadable: true });
      expect(missing.summary).toMatch(/^cannot read .*nope\.zip: no such file$/);
      const text = path.join(store.dir, 'notes.txt');
      writeFileSync(text, 'hello');
      expect(await verifyDossier(text)).toMatchObject({ ok: false, unreadable: true });
    } finally {
      await store.close();
    }
  });
});
