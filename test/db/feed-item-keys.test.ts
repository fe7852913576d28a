import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, MIGRATIONS_DIR, openDb, type Db } from '../../src/db/client.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import { feedItemKey } from '../../src/sources/feed/feed-keys.ts';
import { parseConfig } from '../../src/config/load.ts';

// Migration 0012 gives feed items stored under the old keys their new key, exactly as
// feed-keys.ts computes it, so the first poll after an upgrade stores nothing twice.

const dirs: string[] = [];
let db: Db | undefined;
afterEach(() => {
  if (db) closeDb(db);
  db = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the migrations folder that stops before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-migrations-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

function post(externalId: string, platform = 'web'): PostToStore {
  const raw = JSON.stringify({ externalId });
  return {
    platform,
    externalId,
    url: null,
    author: null,
    text: externalId,
    lang: null,
    createdAt: null,
    raw,
    rawSha256: createHash('sha256').update(raw).digest('hex'),
    score: null,
  };
}

describe('migration 0012_feed_item_keys', () => {
  it('rewrites local feed ids to the feed-scoped key and leaves URIs, links and other platforms alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigie-db-'));
    dirs.push(dir);
    const file = path.join(dir, 'vigie.db');
    db = openDb(file, { migrate: false });
    migrate(db, { migrationsFolder: migrationsBefore('0012_feed_item_keys') });
    const feedUrl = 'https://news.example.org/rss?q=alice';
    const store = createSqliteStore(db);
    const watches = createWatchesRepo(store);
    await watches.syncFromConfig(parseConfig({ watches: [{ id: 'alice', names: ['Alice'] }] }).watches);
    const sources = createSourcesRepo(store);
    await sources.syncForWatch('alice', [
      { kind: 'feed', target: feedUrl },
      { kind: 'bluesky_search', target: 'alice' },
    ]);
    const [feed, bsky] = await sources.listEnabled('alice');
    const old = [
      '1',
      'guid-7',
      'https://news.example.org/a',
      'tag:example.org,2024:9',
      'urn:uuid:42',
      'a b:c',
      ':x',
      'abc:',
    ];
    const posts = createPostsRepo(store, createLedger(store));
    await posts.storePage({
      watchId: 'alice',
      sourceId: feed!.id,
      seenAt: 1,
      posts: old.map((id) => post(id)),
    });
    await posts.storePage({ watchId: 'alice', sourceId: bsky!.id, seenAt: 1, posts: [post('1', 'bluesky')] });
    closeDb(db);

    db = openDb(file);
    const rows = db.$client.prepare('select platform, external_id from posts order by id').all() as {
      platform: string;
      external_id: string;
    }[];
    const item = (id: string) => ({
      id,
      link: null,
      title: '',
      body: '',
      authorName: null,
      lang: null,
      publishedAt: null,
      raw: '',
      rawIsExact: true,
    });
    expect(rows).toEqual([
      ...old.map((id) => ({ platform: 'web', external_id: feedItemKey(item(id), feedUrl) })),
      { platform: 'bluesky', external_id: '1' },
    ]);
    expect(rows[0]!.external_id).toBe(`${feedUrl}#id:1`);
    expect(rows[3]!.external_id).toBe('tag:example.org,2024:9');
  });
});
