import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { post, type PostSpec } from '../evidence/helpers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { tempDir } from '../helpers/temp.ts';

interface LedgerFixture {
  test: TestStore;
  /** Where a child process opens the same database: the SQLite file, or the PostgreSQL URL. */
  target: string;
  storePosts(specs: PostSpec[]): Promise<number[]>;
  close(): Promise<void>;
}

/** A fresh store of the tested dialect with one watch `alice` and one feed source. */
async function makeFixture(): Promise<LedgerFixture> {
  const t = tempDir();
  const file = `${t.dir}/vigie.db`;
  const test = await openTestStore(file);
  const { store } = test;
  const config = parseConfig({
    dataDir: t.dir,
    watches: [{ id: 'alice', names: ['Alice Martin'], feeds: ['http://127.0.0.1:9/feed.xml'] }],
  });
  const watches = createWatchesRepo(store);
  const sources = createSourcesRepo(store);
  const posts = createPostsRepo(store, createLedger(store));
  await watches.syncFromConfig(config.watches);
  await sources.syncForWatch('alice', [{ kind: 'feed', target: 'http://127.0.0.1:9/feed.xml' }]);
  const sourceId = (await sources.listEnabled('alice'))[0]!.id;
  return {
    test,
    target: test.config.database?.url ?? file,
    async storePosts(specs) {
      const stored = await posts.storePage({
        watchId: 'alice',
        sourceId,
        seenAt: Date.UTC(2026, 10, 20, 10, 5, 0),
        posts: specs.map(post),
      });
      return stored.map((s) => s.id);
    },
    async close() {
      await test.close();
      t.cleanup();
    },
  };
}

/** Drops one of the ledger's append-only triggers, as someone with the database's keys could. */
async function dropTrigger(
  f: LedgerFixture,
  name: 'evidence_events_no_update' | 'evidence_events_no_delete',
) {
  await f.test.store.run(
    f.test.dialect === 'postgres'
      ? sql`drop trigger ${sql.raw(name)} on evidence_events`
      : sql`drop trigger ${sql.raw(name)}`,
  );
}

let fixture: LedgerFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('custody ledger', () => {
  it('records captured (with the raw payload SHA-256) and scored for every new post, in the storing transaction', async () => {
    const f = (fixture = await makeFixture());
    const raw = '{"id":"1","text":"sale menteuse"}';
    const [id] = await f.storePosts([{ externalId: '1', raw }]);
    // A duplicate page stores nothing and records nothing.
    await f.storePosts([{ externalId: '1', raw }]);
    const ledger = createLedger(f.test.store);
    const events = await ledger.eventsForPost(id!);
    expect(events.map((e) => e.type)).toEqual(['captured', 'scored']);
    expect(JSON.parse(events[0]!.data).rawSha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(JSON.parse(events[1]!.data)).toMatchObject({
      level: 'medium',
      categories: ['insult'],
      scorerVersion: 'test-1',
    });
    const v = await ledger.verify();
    expect(v).toEqual({ ok: true, rows: 2, head: events[1]!.hash });
  });

  it('refuses UPDATE and DELETE through its triggers', async () => {
    const f = (fixture = await makeFixture());
    await f.storePosts([{ externalId: '1' }]);
    const { store } = f.test;
    await expect(store.run(sql`update evidence_events set data = '{}' where id = 1`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(store.run(sql`delete from evidence_events where id = 2`)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    expect((await createLedger(f.test.store).verify()).ok).toBe(true);
  });

  it('`verify()` names the first broken row after a row was changed behind its back', async () => {
    const f = (fixture = await makeFixture());
    await f.storePosts([{ externalId: '1' }, { externalId: '2' }, { externalId: '3' }]);
    await dropTrigger(f, 'evidence_events_no_update');
    await f.test.store.run(sql`update evidence_events set data = '{"rawSha256":"forged"}' where id = 3`);
    // Three posts, two events each (captured, scored): every row is read, the broken one named.
    expect(await createLedger(f.test.store).verify()).toEqual({
      ok: false,
      rows: 6,
      firstBrokenId: 3,
      reason: "the hash does not match the row's content",
      broken: [{ id: 3, reason: "the hash does not match the row's content" }],
    });
  });

  it('`verify()` names every broken row, not only the first (one tampering hides no other)', async () => {
    const f = (fixture = await makeFixture());
    await f.storePosts([{ externalId: '1' }, { externalId: '2' }, { externalId: '3' }, { externalId: '4' }]);
    await dropTrigger(f, 'evidence_events_no_update');
    await dropTrigger(f, 'evidence_events_no_delete');
    await f.test.store.run(sql`update evidence_events set actor = 'someone' where id = 2`);
    await f.test.store.run(sql`delete from evidence_events where id = 5`);
    await f.test.store.run(sql`update evidence_events set at = at + 1 where id = 8`);
    const v = await createLedger(f.test.store).verify();
    expect(v.ok).toBe(false);
    expect(v.ok ? [] : v.broken).toEqual([
      { id: 2, reason: "the hash does not match the row's content" },
      { id: 6, reason: 'expected row 5, found row 6 (a row was removed or inserted)' },
      { id: 8, reason: "the hash does not match the row's content" },
    ]);
  });

  it('`verify()` names the row after a removed one', async () => {
    const f = (fixture = await makeFixture());
    await f.storePosts([{ externalId: '1' }, { externalId: '2' }]);
    await dropTrigger(f, 'evidence_events_no_delete');
    await f.test.store.run(sql`delete from evidence_events where id = 2`);
    const v = await createLedger(f.test.store).verify();
    expect(v).toMatchObject({ ok: false, firstBrokenId: 3 });
  });

  // On PostgreSQL the children open the same database by URL: the advisory lock, not a file
  // lock, is what keeps them from chaining to the same head.
  it('stays one chain when several processes append at once', async () => {
    const f = (fixture = await makeFixture());
    const child = (tag: string) =>
      run(process.execPath, ['bin/run-ts.js', 'test/db/ledger-append-child.ts', f.target, '150', tag]);
    const ingest = (async () => {
      for (let i = 0; i < 30; i++) {
        await f.storePosts([{ externalId: `p${i}` }]);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const codes = await Promise.all([child('a'), child('b'), ingest]);
    expect(codes.slice(0, 2)).toEqual([0, 0]);
    const v = await createLedger(f.test.store).verify();
    expect(v).toMatchObject({ ok: true, rows: 150 * 2 + 30 * 2 });
    // No fork: every id once, each row's prev_hash the previous row's hash, from both children.
    const rows = await f.test.store.all<{ id: number; prevHash: string; hash: string; actor: string }>(
      sql`select id, prev_hash as "prevHash", hash, actor from evidence_events order by id`,
    );
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
    for (const tag of ['a', 'b']) expect(rows.filter((r) => r.actor.startsWith(`${tag}-`))).toHaveLength(150);
  }, 90_000);
});
