import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import type { Dialect, Store } from '../../src/db/store.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../../src/db/repositories/posts-repo.ts';
import { silentLogger } from '../../src/logger.ts';
import { createLedger, type Ledger } from '../../src/db/ledger/ledger.ts';
import { createDossierRepo, type DossierRepo } from '../../src/evidence/dossier-repo.ts';
import { openTestStore } from '../helpers/test-store.ts';

export interface TestStore {
  dir: string;
  /** The SQLite file (unused on PostgreSQL). */
  file: string;
  /** The SQLite connection; undefined on PostgreSQL. */
  db: Db | undefined;
  dialect: Dialect;
  /** The store under test: the SQLite file, or a fresh PostgreSQL database (VIGIE_TEST_STORE). */
  store: Store;
  /** The configuration keys that make another process open this same store. */
  databaseConfig: { database?: { url: string } };
  ledger: Ledger;
  dossierPosts: DossierRepo;
  config: Config;
  watches: ReturnType<typeof createWatchesRepo>;
  sources: ReturnType<typeof createSourcesRepo>;
  posts: ReturnType<typeof createPostsRepo>;
  sourceId: number;
  log: ReturnType<typeof silentLogger>;
  close(): Promise<void>;
}

/** A real store (SQLite, or PostgreSQL under VIGIE_TEST_STORE=postgres) from the real migrations, with one watch `alice` and one feed source. */
export async function makeStore(rawConfig: Record<string, unknown> = {}): Promise<TestStore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-evidence-'));
  const file = path.join(dir, 'vigie.db');
  const opened = await openTestStore(file);
  const config = parseConfig({
    dataDir: dir,
    ...opened.config,
    watches: [{ id: 'alice', names: ['Alice Martin'], feeds: ['http://127.0.0.1:9/feed.xml'] }],
    // The fakes listen on 127.0.0.1, as an intranet would.
    network: { allowPrivateAddresses: true },
    ...rawConfig,
  });
  const { store } = opened;
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
    db: opened.db,
    dialect: opened.dialect,
    store,
    databaseConfig: opened.config,
    ledger,
    dossierPosts: createDossierRepo(store),
    config,
    watches,
    sources,
    posts,
    sourceId,
    log: silentLogger(),
    async close() {
      await opened.close();
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
