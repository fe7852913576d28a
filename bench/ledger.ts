// Custody-ledger cost on the ingest hot path: storePage throughput (which appends `captured` and
// `scored` for every new post in the same transaction) against appending the same ledger events
// alone, so the ledger's share of ingest time is visible whatever the machine's load.
//   node bin/run-ts.js bench/ledger.ts [--posts 100000] [--runs 3]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { openDb } from '../src/db/client.ts';
import { createSqliteStore } from '../src/db/sqlite-store.ts';
import { parseConfig } from '../src/config/load.ts';
import { createWatchesRepo } from '../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../src/db/repositories/sources-repo.ts';
import { createPostsRepo, type PostToStore } from '../src/db/repositories/posts-repo.ts';
import { createLedger, postStoredEvents } from '../src/db/ledger/ledger.ts';
import { fmt, median } from './lib.ts';

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } },
});
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
const PAGE = 100;

function makePost(i: number): PostToStore {
  const raw = JSON.stringify({
    id: String(1e15 + i),
    text: `post ${i} about Alice Martin, connard`,
    author_id: String(i % 500),
  });
  return {
    platform: 'x',
    externalId: String(1e15 + i),
    url: `https://x.com/u/status/${1e15 + i}`,
    author: { externalId: String(i % 500), handle: `user${i % 500}`, name: `User ${i % 500}` },
    text: `post ${i} about Alice Martin, connard`,
    lang: 'fr',
    createdAt: 1_790_000_000_000 + i,
    raw,
    rawSha256: createHash('sha256').update(raw).digest('hex'),
    score: {
      score: 40,
      level: 'medium',
      hostile: true,
      categories: ['insult'],
      matches: [],
      targeted: true,
      version: 'bench',
    },
  };
}

async function once(): Promise<{ store: number; ledgerOnly: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-bench-ledger-'));
  const db = createSqliteStore(openDb(path.join(dir, 'vigie.db')));
  try {
    const config = parseConfig({ dataDir: dir, watches: [{ id: 'alice', names: ['Alice Martin'] }] });
    await createWatchesRepo(db).syncFromConfig(config.watches);
    const sources = createSourcesRepo(db);
    await sources.syncForWatch('alice', [{ kind: 'feed', target: 'https://example.org/feed' }]);
    const sourceId = (await sources.listEnabled('alice'))[0]!.id;
    const ledger = createLedger(db);
    const posts = createPostsRepo(db, ledger);
    const pages: PostToStore[][] = [];
    for (let i = 0; i < POSTS; i += PAGE)
      pages.push(Array.from({ length: Math.min(PAGE, POSTS - i) }, (_, k) => makePost(i + k)));

    let t = performance.now();
    for (const page of pages)
      await posts.storePage({ watchId: 'alice', sourceId, seenAt: Date.now(), posts: page });
    const store = POSTS / ((performance.now() - t) / 1000);

    // The same events again, alone (other ids), to show the ledger's share.
    const facts = pages.map((page, p) =>
      page.map((x, k) => ({
        ...x,
        id: POSTS * 2 + p * PAGE + k,
        score: 40,
        level: 'medium',
        categories: ['insult'],
        targeted: true,
        scorerVersion: 'bench',
      })),
    );
    t = performance.now();
    for (const page of facts) await ledger.append(postStoredEvents('alice', Date.now(), page));
    const ledgerOnly = POSTS / ((performance.now() - t) / 1000);
    if (!(await ledger.verify()).ok) throw new Error('ledger broken after the benchmark');
    return { store, ledgerOnly };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: { store: number; ledgerOnly: number }[] = [];
for (let i = 0; i < RUNS; i++) results.push(await once());
const store = median(results.map((r) => r.store));
const ledgerOnly = median(results.map((r) => r.ledgerOnly));
console.log(`| measure | value |\n|---|---|`);
console.log(
  `| storePage with ledger (median of ${RUNS}, ${fmt(POSTS)} posts, pages of ${PAGE}) | ${fmt(store)} posts/s |`,
);
console.log(`| ledger append alone (captured + scored per post) | ${fmt(ledgerOnly)} posts/s |`);
console.log(`| ledger share of storePage time | ${fmt((store / ledgerOnly) * 100, 1)} % |`);
