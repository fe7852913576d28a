// Distributed-mode throughput: posts per second end to end (poll → store → score at ingest) with
// 1, 2 and 4 `vigie worker` processes sharing BullMQ queues on Redis, on the SQLite store and on
// PostgreSQL side by side, against the fake X API answering every page after a realistic latency
// (150 ms by default: polls are network-bound in production, which is what extra workers overlap).
//   node bin/run-ts.js bench/queue.ts [--posts 20000] [--watches 40] [--workers 1,2,4] [--reps 3]
//     [--concurrency 1] [--latency-ms 150] [--stores sqlite,postgres]
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and, for PostgreSQL, a server where a
// fresh database is made per run (VIGIE_BENCH_DATABASE_URL, else VIGIE_TEST_PG_URL, else
// postgres://postgres@127.0.0.1:5432/postgres). Prints a table of medians and the two ratios
// the floor names: 4 workers vs 1 on PostgreSQL, and PostgreSQL vs SQLite with one worker.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createBullmqDriver } from '../src/jobs/bullmq-driver.ts';
import { silentLogger } from '../src/logger.ts';
import { startProcess, writeConfig, RUN_TS, type VigieProcess } from '../test/jobs/process-kit.ts';
import { deleteKeysUnder } from '../test/jobs/redis-test-kit.ts';
import { median } from './lib.ts';

type StoreKind = 'sqlite' | 'postgres';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '20000' },
    watches: { type: 'string', default: '40' },
    workers: { type: 'string', default: '1,2,4' },
    reps: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '150' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    'run-timeout-s': { type: 'string', default: '900' },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_ADMIN_URL =
  process.env.VIGIE_BENCH_DATABASE_URL ||
  process.env.VIGIE_TEST_PG_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-token';
const HANDLE = 'bench_target';
const watches = Number(values.watches);
const perWatch = Math.ceil(Number(values.posts) / watches);
const totalPosts = perWatch * watches;
const workerCounts = values.workers.split(',').map(Number);
const reps = Number(values.reps);
const latencyMs = Number(values['latency-ms']);
const stores = values.stores.split(',').map((s) => {
  if (s !== 'sqlite' && s !== 'postgres') throw new Error(`--stores: sqlite or postgres, not ${s}`);
  return s as StoreKind;
});
// A run that stalls (a worker that died, a store refusing the configuration) ends the bench.
const RUN_TIMEOUT_MS = Number(values['run-timeout-s']) * 1000;

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
    '--latency-ms',
    String(latencyMs),
  ],
  {},
  RUN_TS,
);
const fakeUrl = (JSON.parse(await fakeProcess.waitForLine(/^\{"url"/, 120_000)) as { url: string }).url;

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh place to store into and a way to count what landed there. */
async function freshStore(
  kind: StoreKind,
  dir: string,
): Promise<{
  config: Record<string, unknown>;
  /** Whether the schema is there (vigie migrate wrote to this store, not to another). */
  migrated: () => Promise<boolean>;
  count: () => Promise<number>;
  drop: () => Promise<void>;
}> {
  if (kind === 'sqlite') {
    let db: Database.Database | undefined;
    return {
      config: {},
      migrated: () => {
        const probe = new Database(path.join(dir, 'vigie.db'), { readonly: true, fileMustExist: true });
        try {
          return Promise.resolve(
            probe.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'posts'").get() !==
              undefined,
          );
        } finally {
          probe.close();
        }
      },
      count: () => {
        db ??= new Database(path.join(dir, 'vigie.db'), { readonly: true, fileMustExist: true });
        return Promise.resolve((db.prepare('SELECT count(*) AS n FROM posts').get() as { n: number }).n);
      },
      drop: () => {
        db?.close();
        return Promise.resolve();
      },
    };
  }
  const name = `vigie_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    config: { database: { url: url.toString() } },
    migrated: async () => {
      const { rows } = await client.query("SELECT to_regclass('public.posts') IS NOT NULL AS ok");
      return rows[0]?.ok === true;
    },
    count: async () => {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM posts');
      return Number(rows[0]!.n);
    },
    drop: async () => {
      await client.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function run(kind: StoreKind, workerCount: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-bench-queue-'));
  const prefix = `vigie-bench-${randomBytes(4).toString('hex')}`;
  const store = await freshStore(kind, dir);
  const config = writeConfig(dir, {
    dataDir: dir,
    log: { level: 'warn' },
    ...store.config,
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
  const env = { REDIS_URL, VIGIE_CONFIG: config, VIGIE_LOG_LEVEL: 'info', DATABASE_URL: '' };
  const workers: VigieProcess[] = [];
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
  try {
    // The store exists before the workers start, so they do not race to create it.
    const migrate = startProcess(['migrate'], env);
    if ((await migrate.exited) !== 0) throw new Error(`vigie migrate failed:\n${migrate.output()}`);
    if (!(await store.migrated()))
      throw new Error(`${kind}: vigie migrate left no posts table in the store it was given`);
    // One after another: workers opening one SQLite file at the same instant can fail at boot
    // with "database is locked", and the start-up is not what is measured.
    for (let i = 0; i < workerCount; i++) {
      const worker = startProcess(['worker', '--queues', 'poll,score'], env);
      workers.push(worker);
      await worker.waitForLine(/"msg":"Vigie started"/, 60_000);
    }

    const started = performance.now();
    for (let i = 0; i < watches; i++)
      await driver.enqueue('poll', { task: 'watch', watchId: `w${i}` }, { jobId: `bench:w${i}` });
    while ((await store.count()) < totalPosts) {
      const gone = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (gone) throw new Error(`${kind}: a worker exited during the run:\n${gone.output().slice(-3000)}`);
      if (performance.now() - started > RUN_TIMEOUT_MS)
        throw new Error(
          `${kind}, ${workerCount} worker(s): ${await store.count()} of ${totalPosts} posts after ` +
            `${RUN_TIMEOUT_MS / 1000} s\n${workers.map((w) => w.output().slice(-2000)).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    return totalPosts / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await driver.stop();
    await store.drop();
    await deleteKeysUnder(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

// Repetitions go round every store and worker count in turn, so a burst of load from elsewhere on
// the machine spreads over all cells instead of skewing one.
const rates = new Map<string, number[]>();
const cell = (kind: StoreKind, n: number) => `${kind}:${n}`;
try {
  for (let r = 0; r < reps; r++)
    for (const kind of stores)
      for (const n of workerCounts) {
        const rate = await run(kind, n);
        rates.set(cell(kind, n), [...(rates.get(cell(kind, n)) ?? []), rate]);
        process.stderr.write(`  run ${r + 1}/${reps} ${kind}, ${n} worker(s): ${rate.toFixed(0)} posts/s\n`);
      }
} finally {
  await fakeProcess.stop('SIGTERM');
}

const rate = (kind: StoreKind, n: number) => median(rates.get(cell(kind, n)) ?? [NaN]);
console.log(
  `queue: ${totalPosts} posts (${watches} watches × ${perWatch}, pages of 100), fake X API answering each page after ${latencyMs} ms, ` +
    `poll → store → score, jobs.concurrency ${values.concurrency} per worker, median of ${reps}`,
);
// The ceiling of the scaling: every worker, the fake X API and the store share these cores.
console.log(
  `machine: ${availableParallelism()} CPU cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log('store      workers  posts/s  speed-up  runs (posts/s)');
for (const kind of stores)
  for (const n of workerCounts)
    console.log(
      `${kind.padEnd(9)}  ${String(n).padStart(7)}  ${rate(kind, n).toFixed(0).padStart(7)}  ${(rate(kind, n) / rate(kind, workerCounts[0]!)).toFixed(2).padStart(7)}×  ${(
        rates.get(cell(kind, n)) ?? []
      )
        .map((x) => x.toFixed(0))
        .join(', ')}`,
    );
if (stores.includes('postgres') && workerCounts.includes(1) && workerCounts.includes(4)) {
  const scaling = rate('postgres', 4) / rate('postgres', 1);
  console.log(
    `floor: PostgreSQL 4 workers vs 1: ${scaling.toFixed(2)}× (needs ≥ 3×) ${scaling >= 3 ? 'met' : 'NOT MET'}`,
  );
  if (stores.includes('sqlite')) {
    const ratio = rate('sqlite', 1) / rate('postgres', 1);
    console.log(
      `floor: 1 worker, SQLite / PostgreSQL: ${ratio.toFixed(2)} (PostgreSQL within 2× of SQLite: needs ≤ 2) ${ratio <= 2 ? 'met' : 'NOT MET'}`,
    );
  }
}
