import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { openDb, closeDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { silentLogger } from '../../src/logger.ts';
import { createLedger, type Ledger } from '../../src/db/ledger/ledger.ts';
import { createDossierRepo, type DossierRepo } from '../../src/evidence/dossier-repo.ts';

export interface TestStore {
  dir: string;
  file: string;
  db: Db;
  /** The async store over the same connection. */
  store: Store;
  ledger: Ledger;
  dossierPosts: DossierRepo;
  config: Config;
  watches: ReturnType<typeof createWatchesRepo>;
  sources: ReturnType<typeof createSourcesRepo>;
  posts: ReturnType<typeof createPostsRepo>;
  sourceId: number;
  log: ReturnType<typeof silentLogger>;
  close(): void;
}

/** A real SQLite store from the real migrations, with one watch `alice` and one feed source. */
export async function makeStore(rawConfig: Record<string, unknown> = {}): Promise<TestStore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-evidence-'));
  const config = parseConfig({
    dataDir: dir,
    watches: [{ id: 'alice', names: ['Alice Martin'], feeds: ['http://127.0.0.1:9/feed.xml'] }],
    // The fakes listen on 127.0.0.1, as an intranet would.
    network: { allowPrivateAddresses: true },
    ...rawConfig,
  });
  const file = path.join(dir, 'vigie.db');
  const db = openDb(file);
  const store = createSqliteStore(db);
  const watches = createWatchesRepo(store);
  const sources = createSourcesRepo(store);
  const ledger = createLedger(store);
  const posts = createPostsRepo(store, ledger);
  await watches.syncFromConfig(config.watches);
  await sources.syncForWatch('alice', [{ kind: 'feed', target: 'http://127.0.0.1:9/feed.xml' }]);
  const sourceId = (await sources.listEnabled('alice'))[0]!.id;
  return {
    dir,
    file,
    db,
    store,
    ledger,
    dossierPosts: createDossierRepo(store),
    config,
    watches,
    sources,
    posts,
    sourceId,
    log: silentLogger(),
    close() {
      closeDb(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PostSpec {
  externalId: string;
  url?: string | null;
  text?: string;
  level?: 'none' | 'low' | 'medium' | 'high' | 'severe';
  categories?: string[];
  platform?: string;
  author?: string;
  createdAt?: number;
  raw?: string;
}

export function post(spec: PostSpec): PostToStore {
  const raw = spec.raw ?? JSON.stringify({ id: spec.externalId, text: spec.text ?? 'hello' });
  const level = spec.level ?? 'medium';
  return {
    platform: spec.platform ?? 'web',
    externalId: spec.externalId,
    url: spec.url === undefined ? `https://example.org/p/${spec.externalId}` : spec.url,
    author: {
      externalId: spec.author ?? 'troll1',
      handle: spec.author ?? 'troll1',
      name: `${spec.author ?? 'troll1'} name`,
    },
    text: spec.text ?? 'hello',
    lang: 'fr',
    createdAt: spec.createdAt ?? Date.UTC(2026, 10, 20, 10, 0, 0),
    raw,
    rawSha256: createHash('sha256').update(raw, 'utf8').digest('hex'),
    score: {
      score: level === 'none' ? 0 : 50,
      level,
      hostile: level !== 'none' && level !== 'low',
      categories: spec.categories ?? (level === 'none' ? [] : ['insult']),
      matches: [],
      targeted: true,
      version: 'test-1',
    },
  };
}

/** Stores posts for `alice` and returns their ids, in order. */
export async function storePosts(
  store: TestStore,
  specs: PostSpec[],
  seenAt = Date.UTC(2026, 10, 20, 10, 5, 0),
): Promise<number[]> {
  const stored = await store.posts.storePage({
    watchId: 'alice',
    sourceId: store.sourceId,
    seenAt,
    posts: specs.map(post),
  });
  return stored.map((s) => s.id);
}
