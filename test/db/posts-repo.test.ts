import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { openTestStore } from '../helpers/test-store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { parseConfig } from '../../src/config/load.ts';
import { tempDir } from '../helpers/temp.ts';
import { toArray } from '../helpers/to-array.ts';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup() {
  const t = tempDir();
  const test = await openTestStore(`${t.dir}/vigie.db`);
  const { store } = test;
  closers.push(t.cleanup, () => test.close());
  const ledger = createLedger(store);
  await createWatchesRepo(store).syncFromConfig(
    parseConfig({ watches: [{ id: 'alice', names: ['Alice Martin'] }] }).watches,
  );
  const sources = createSourcesRepo(store);
  await sources.syncForWatch('alice', [{ kind: 'feed', target: 'https://example.org/feed' }]);
  const sourceId = (await sources.listEnabled('alice'))[0]!.id;
  // Where a child process opens the same database: the SQLite file, or the PostgreSQL URL.
  const target = test.config.database?.url ?? `${t.dir}/vigie.db`;
  return { store, ledger, posts: createPostsRepo(store, ledger), sourceId, target };
}

function post(externalId: string, text = `post ${externalId}`, author = 'troll'): PostToStore {
  const raw = JSON.stringify({ id: externalId, text });
  return {
    platform: 'web',
    externalId,
    url: `https://example.org/p/${externalId}`,
    author: { externalId: author, handle: author, name: `${author} name` },
    text,
    lang: 'fr',
    createdAt: null,
    raw,
    rawSha256: createHash('sha256').update(raw).digest('hex'),
    score: {
      score: 50,
      level: 'medium',
      hostile: true,
      categories: ['insult'],
      matches: [],
      targeted: false,
      version: 'test-1',
    },
  };
}

describe('posts repository', () => {
  it('stores a post whose text, author and id carry U+0000, reading back U+FFFD in their place', async () => {
    const { posts, ledger, sourceId } = await setup();
    const nul = post('n\u0000ul', 'menace\u0000cachée', 'tr\u0000ll');
    const [ref] = await posts.storePage({
      watchId: 'alice',
      sourceId,
      seenAt: 1000,
      posts: [nul, post('ok')],
    });
    const row = (await posts.get(ref!.id))!;
    expect(row).toMatchObject({
      externalId: 'n\uFFFDul',
      text: 'menace\uFFFDcachée',
      authorHandle: 'tr\uFFFDll',
    });
    // The payload is kept as received: the hash recorded at capture still matches it.
    expect(createHash('sha256').update(row.raw).digest('hex')).toBe(nul.rawSha256);
    const captured = (await ledger.eventsForPost(ref!.id)).find((e) => e.type === 'captured')!;
    expect(JSON.parse(captured.data).textSha256).toBe(createHash('sha256').update(row.text).digest('hex'));
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('stores a page in page order, a post seen twice in one page once, and records it in the ledger', async () => {
    const { posts, ledger, sourceId } = await setup();
    const page = [post('b'), post('a'), post('b', 'the same post, seen again'), post('c', 'x', 'other')];
    const stored = await posts.storePage({ watchId: 'alice', sourceId, seenAt: 1000, posts: page });
    expect(stored).toHaveLength(3);
    const rows = await posts.getMany(stored.map((s) => s.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    // The refs come back in page order, each pointing at its own row.
    expect(stored.map((s) => byId.get(s.id)!.externalId)).toEqual(['b', 'a', 'c']);
    expect(byId.get(stored[0]!.id)!.text).toBe('post b');
    expect(stored.map((s) => s.id)).toEqual([...stored.map((s) => s.id)].sort((x, y) => x - y));
    // Booleans and JSON columns read back as they were written.
    expect(byId.get(stored[2]!.id)).toMatchObject({
      hostile: true,
      targeted: false,
      categories: ['insult'],
      matches: [],
      authorHandle: 'other',
    });
    // Two authors, one id each; the post's row points at its author.
    expect(new Set(rows.map((r) => r.authorId)).size).toBe(2);
    // Two events per new post, in page order.
    expect((await ledger.eventsForPost(stored[1]!.id)).map((e) => e.type)).toEqual(['captured', 'scored']);
    expect(await ledger.verify()).toMatchObject({ ok: true, rows: 6 });

    // The same page again stores nothing and records nothing.
    expect(await posts.storePage({ watchId: 'alice', sourceId, seenAt: 2000, posts: page })).toEqual([]);
    expect(await ledger.verify()).toMatchObject({ ok: true, rows: 6 });
    expect(await posts.count('alice')).toBe(3);
  });

  it('streams mentions across pages in id order, honouring the limit and the search', async () => {
    const { posts, sourceId } = await setup();
    for (let p = 0; p < 3; p++) {
      const page = Array.from({ length: 450 }, (_, i) =>
        post(`${p}-${i}`, i % 100 === 0 ? `Alice ${p}-${i} tempête` : `post ${p}-${i}`, `u${i % 9}`),
      );
      await posts.storePage({ watchId: 'alice', sourceId, seenAt: 1000 + p, posts: page });
    }
    const all = await toArray(posts.iterateMentions({ watchId: 'alice' }));
    expect(all).toHaveLength(1350);
    expect(all.every((p, i) => i === 0 || p.id > all[i - 1]!.id)).toBe(true);
    expect(all[0]!.sourceKind).toBe('feed');
    const limited = await toArray(posts.iterateMentions({ watchId: 'alice', limit: 700 }));
    expect(limited.map((p) => p.id)).toEqual(all.slice(0, 700).map((p) => p.id));
    const found = await toArray(posts.iterateMentions({ search: 'tempete' }));
    expect(found.map((p) => p.externalId)).toEqual(
      all.filter((p) => p.text.includes('tempête')).map((p) => p.externalId),
    );
    expect(found).toHaveLength(15);
  });

  // Two workers storing overlapping results at once (on PostgreSQL two server sessions, each
  // page one transaction): every post is stored once, recorded once, and the chain stays whole.
  it('stores each post once when two processes store the same posts at once', async () => {
    const { store, ledger, sourceId, target } = await setup();
    // The second child lists each page the other way round: the same rows, met in opposite orders.
    const child = (order: 'forward' | 'reverse') =>
      new Promise<number>((resolve, reject) => {
        const c = spawn(
          process.execPath,
          ['bin/run-ts.js', 'test/db/store-page-child.ts', target, String(sourceId), '90', order],
          { stdio: 'inherit' },
        );
        c.on('error', reject);
        c.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([child('forward'), child('reverse')])).toEqual([0, 0]);
    const stored = await store.all<{ n: number | string }>(sql`select count(*) as n from posts`);
    expect(Number(stored[0]!.n)).toBe(90);
    const perPost = await store.all<{ n: number | string }>(
      sql`select count(*) as n from evidence_events group by post_id`,
    );
    expect(perPost).toHaveLength(90);
    expect(perPost.every((r) => Number(r.n) === 2)).toBe(true);
    expect(await ledger.verify()).toMatchObject({ ok: true, rows: 180 });
  }, 90_000);
});
