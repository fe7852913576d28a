import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { sql } from 'drizzle-orm';
import { startFakeWayback, type FakeWayback } from '../fakes/wayback.ts';
import { makeStore, storePosts, type TestStore } from '../evidence/helpers.ts';
import { databaseYaml } from '../helpers/test-store.ts';

// The commands as a person runs them: `node bin/vigie.js …` against a real database and the fake
// Wayback Machine.

let fake: FakeWayback;
let store: TestStore;
let configFile: string;

function vigie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/vigie.js', '--config', configFile, ...args],
      { env: { ...process.env, VIGIE_LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  fake = await startFakeWayback();
  store = await makeStore();
  await storePosts(store, [
    { externalId: 'a', text: 'menace <script>x</script>', level: 'severe', categories: ['threat'] },
    { externalId: 'b', text: '=1+1 insulte', level: 'medium' },
  ]);
  fake.setScenario('https://example.org/p/b', { kind: 'pending-then-success', pendingPolls: 2 });
  configFile = path.join(store.dir, 'vigie.yaml');
  writeFileSync(
    configFile,
    [
      `dataDir: ${store.dir}`,
      ...databaseYaml(store.databaseConfig),
      'archive:',
      '  wayback:',
      `    baseUrl: ${fake.url}`,
      `    availabilityUrl: ${fake.availabilityUrl}`,
      '    statusPollMs: 50',
      '    rateWindowMs: 1000',
      'watches:',
      '  - id: alice',
      '    names: ["Alice Martin"]',
      '    feeds: ["http://127.0.0.1:9/feed.xml"]',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await store?.close();
  await fake?.close();
});

describe('evidence commands', () => {
  it('`vigie archive --once` archives the due posts and waits for pending captures', async () => {
    const r = await vigie('archive', '--once', '--wait-ms', '10000');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('archived: 2');
    expect(r.stdout).toContain('archive rows: archived 2');
  }, 120_000);

  it('`vigie export` then `vigie verify` pass on an untouched dossier and fail, naming the file, after a change', async () => {
    const out = path.join(store.dir, 'dossier.zip');
    const e = await vigie('export', '--watch', 'alice', '--out', out);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/dossier\.zip: 2 posts, sha256 [0-9a-f]{64}/);
    const ok = await vigie('verify', out);
    expect(ok.code).toBe(0);
    // 6 files, and a printable summary for each of the 2 posts.
    expect(ok.stdout).toMatch(/^intact: 8 files, 2 posts/);

    const files = unzipSync(new Uint8Array(readFileSync(out)));
    files['report.html']![100] = files['report.html']![100]! ^ 0x20;
    const bad = path.join(store.dir, 'tampered.zip');
    writeFileSync(bad, zipSync(files));
    const ko = await vigie('verify', bad);
    expect(ko.code).toBe(1);
    expect(ko.stdout).toBe('NOT intact: report.html: its SHA-256 differs from the manifest\n');
  }, 120_000);

  it('`vigie ledger verify` exits 0 on an intact ledger and 1 naming the first broken row after a tamper', async () => {
    const ok = await vigie('ledger', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ledger intact: \d+ rows, head [0-9a-f]{64}\n$/);
    // Someone with the database's keys lifts the append-only guard and rewrites a row.
    await store.store.run(
      store.dialect === 'postgres'
        ? sql`drop trigger evidence_events_no_update on evidence_events`
        : sql`drop trigger evidence_events_no_update`,
    );
    await store.store.run(sql`update evidence_events set actor = 'someone else' where id = 2`);
    const ko = await vigie('ledger', 'verify');
    expect(ko.code).toBe(1);
    expect(ko.stdout).toMatch(/^ledger BROKEN at row 2: the hash does not match the row's content/);
  }, 120_000);
});
