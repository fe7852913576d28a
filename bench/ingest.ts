// Ingest throughput: posts per second from the fake X API (in its own process) through
// poll → score → store, for 100 000 posts; and the requests a poll makes when nothing is new.
//   node bin/run-ts.js bench/ingest.ts [--posts 100000] [--runs 3]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { createDeps } from '../src/app/deps.ts';
import { silentLogger } from '../src/logger.ts';
import { pollSource } from '../src/ingest/poll-source.ts';
import { startFakeXApi } from '../test/fakes/x-api.ts';
import { fmt, median, ROOT, startScript, stop } from './lib.ts';

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } },
});
const POSTS = Number(values.posts);
const RUNS = Number(values.runs);
const TOKEN = 'bench-token';

async function depsFor(baseUrl: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-bench-'));
  const config = parseConfig({
    dataDir: dir,
    sources: { x: { bearerToken: TOKEN, baseUrl } },
    watches: [{ id: 'alice', names: ['Alice Martin'], x: { handle: 'alice_m' } }],
  });
  const deps = await createDeps(config, silentLogger());
  await deps.syncWatches();
  return {
    deps,
    cleanup: async () => {
      await deps.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const { child, info } = await startScript<{ url: string }>(`${ROOT}test/fakes/x-api-server.ts`, [
  '--token',
  TOKEN,
  '--handle',
  'alice_m',
  '--mentions',
  String(POSTS),
]);
const rates: number[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    const { deps, cleanup } = await depsFor(info.url);
    const source = (await deps.sources.listEnabled('alice'))[0]!;
    const t0 = process.hrtime.bigint();
    const outcome = await pollSource(deps, source.id);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (!outcome.ok || outcome.stored !== POSTS) throw new Error(`run ${run}: ${JSON.stringify(outcome)}`);
    rates.push(POSTS / seconds);
    console.log(
      `run ${run}: ${fmt(POSTS)} posts in ${fmt(seconds, 2)} s over ${outcome.pages} pages → ${fmt(POSTS / seconds)} posts/s`,
    );
    await cleanup();
  }
} finally {
  await stop(child);
}

// Requests when nothing is new: an in-process fake that counts them.
const fake = await startFakeXApi({ token: TOKEN });
fake.addUser('alice_m');
fake.generateMentions('alice_m', 500);
const { deps, cleanup } = await depsFor(fake.url);
const source = (await deps.sources.listEnabled('alice'))[0]!;
await pollSource(deps, source.id);
const before = fake.requests.length;
await pollSource(deps, source.id);
const idleRequests = fake.requests.length - before;
await cleanup();
await fake.close();

console.log('');
console.log('| measure | value |');
console.log('|---|---|');
console.log(
  `| ingest, median of ${RUNS} runs (${fmt(POSTS)} posts, X → score → SQLite) | ${fmt(median(rates))} posts/s |`,
);
console.log(`| ingest, min / max | ${fmt(Math.min(...rates))} / ${fmt(Math.max(...rates))} posts/s |`);
console.log(`| requests per poll when nothing is new | ${idleRequests} |`);
console.log(`| floor | 5,000 posts/s |`);
