// Distributed-mode throughput: posts per second end to end (poll → store → score at ingest) with
// 1, 2 and 4 `vigie worker` processes sharing BullMQ queues on Redis, against the fake X API.
//   node bin/run-ts.js bench/queue.ts [--posts 200000] [--watches 40] [--workers 1,2,4] [--reps 1]
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379). Prints a scaling table.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createBullmqDriver } from '../src/jobs/bullmq-driver.ts';
import { openDb, dbFile, closeDb } from '../src/db/client.ts';
import { silentLogger } from '../src/logger.ts';
import { startProcess, writeConfig, RUN_TS, type VigieProcess } from '../test/jobs/process-kit.ts';
import { deleteKeysUnder } from '../test/jobs/redis-test-kit.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '200000' },
    watches: { type: 'string', default: '40' },
    workers: { type: 'string', default: '1,2,4' },
    reps: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'bench-token';
const HANDLE = 'bench_target';
const watches = Number(values.watches);
const perWatch = Math.ceil(Number(values.posts) / watches);
const totalPosts = perWatch * watches;
const workerCounts = values.workers.split(',').map(Number);
const reps = Number(values.reps);

// Every watch follows the same handle: each stores its own copy of the mentions, so the fake
// holds perWatch posts while the store receives totalPosts — one source per watch to spread.
const fakeProcess = startProcess(
  [
    'test/fakes/x-api-server.ts',
    '--port',
    '0',
    '--token',
    TOKEN,
    '--handle',
    HANDLE,
    '--mentions',
    String(perWatch),
  ],
  {},
  RUN_TS,
);
const fakeUrl = (JSON.parse(await fakeProcess.waitForLine(/^\{"url"/, 120_000)) as { url: string }).url;

async function run(workerCount: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-bench-queue-'));
  const prefix = `vigie-bench-${randomBytes(4).toString('hex')}`;
  const config = writeConfig(dir, {
    dataDir: dir,
    log: { level: 'warn' },
    sources: { x: { bearerToken: TOKEN, baseUrl: fakeUrl, timeoutMs: 60_000 } },
    jobs: { concurrency: Number(values.concurrency) },
    queue: { prefix },
    watches: Array.from({ length: watches }, (_, i) => ({
      id: `w${i}`,
      names: [`Person ${i}`],
      x: { handle: HANDLE },
      schedule: '0 0 1 1 *',
    })),
  });
  const env = { REDIS_URL, VIGIE_CONFIG: config, VIGIE_LOG_LEVEL: 'info' };
  const workers: VigieProcess[] = [];
  // The store exists before the workers start, so they do not race to create it.
  const migrate = startProcess(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`vigie migrate failed:\n${migrate.output()}`);
  for (let i = 0; i < workerCount; i++) workers.push(startProcess(['worker', '--queues', 'poll,score'], env));
  await Promise.all(workers.map((w) => w.waitForLine(/"msg":"Vigie started"/, 60_000)));

  const driver = createBullmqDriver({
    log: silentLogger(),
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 1,
    maxAttempts: 3,
    backoffMs: 1000,
    removeOnComplete: 1000,
    removeOnFail: 1000,
    lockDurationMs: 60_000,
    stalledIntervalMs: 30_000,
    rateLimitPauseMaxMs: 60_000,
  });
  const db = openDb(dbFile(dir), { migrate: false });
  const count = db.$client.prepare('SELECT count(*) AS n FROM posts');
  const started = performance.now();
  for (let i = 0; i < watches; i++)
    await driver.enqueue('poll', { task: 'watch', watchId: `w${i}` }, { jobId: `bench:w${i}` });
  while ((count.get() as { n: number }).n < totalPosts) await new Promise((r) => setTimeout(r, 100));
  const seconds = (performance.now() - started) / 1000;

  await Promise.all(workers.map((w) => w.stop('SIGTERM')));
  await driver.stop();
  closeDb(db);
  await deleteKeysUnder(prefix);
  rmSync(dir, { recursive: true, force: true });
  return totalPosts / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<{ workers: number; rate: number }> = [];
try {
  for (const n of workerCounts) {
    const rates: number[] = [];
    for (let r = 0; r < reps; r++) rates.push(await run(n));
    rows.push({ workers: n, rate: median(rates) });
    process.stderr.write(`  ${n} worker(s): ${rates.map((x) => x.toFixed(0)).join(', ')} posts/s\n`);
  }
} finally {
  await fakeProcess.stop('SIGTERM');
}

const base = rows[0]!.rate;
console.log(
  `queue: ${totalPosts} posts (${watches} watches × ${perWatch}), poll → store → score, jobs.concurrency ${values.concurrency} per worker, median of ${reps}`,
);
// The ceiling of the scaling: every worker, the fake X API and SQLite share these cores.
console.log(
  `machine: ${availableParallelism()} CPU cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log('workers  posts/s  speed-up');
for (const r of rows)
  console.log(
    `${String(r.workers).padStart(7)}  ${r.rate.toFixed(0).padStart(7)}  ${(r.rate / base).toFixed(2).padStart(7)}×`,
  );
