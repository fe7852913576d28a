// Child process for the concurrent storing test: stores the same posts as its sibling, in pages
// of three (one transaction each), into the database named by argv[2] (a SQLite file path, or a
// postgres:// URL), as two workers polling overlapping results would. With `reverse`, each page
// lists its posts (and so its authors) in the opposite order: the two children then meet the
// same rows in opposite orders, which must not deadlock.
import { isPostgresUrl } from '../../src/config/database-url.ts';
import { openSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { post } from '../evidence/helpers.ts';

const [, , target, sourceId, count, order] = process.argv;

async function open(where: string): Promise<Store> {
  if (isPostgresUrl(where)) {
    const { openPgStore } = await import('../../src/db/pg-store.ts');
    return openPgStore(where, { migrate: false, maxConnections: 2 });
  }
  return openSqliteStore(where, { migrate: false });
}

const store = await open(target!);
const posts = createPostsRepo(store, createLedger(store));
for (let i = 0; i < Number(count); i += 3)
  await posts.storePage({
    watchId: 'alice',
    sourceId: Number(sourceId),
    seenAt: 1000 + i,
    posts: (order === 'reverse' ? [i + 2, i + 1, i] : [i, i + 1, i + 2]).map((n) =>
      post({ externalId: `c${n}`, author: `u${n % 4}` }),
    ),
  });
await store.close();
