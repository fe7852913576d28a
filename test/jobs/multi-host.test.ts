// Distributed mode across machines: the web process and three workers each run in a host of their
// own (a network namespace, test/helpers/netns.ts) and reach PostgreSQL and Redis — which run in a
// fifth, data host — only over the test network; the X API and the Wayback Machine are fakes served
// by this test process on the bridge. 50 watches, 15,000 posts; one worker is SIGKILLed in the
// middle of a poll and its host starts a new one. Every post is stored once, every hostile post
// archived once, and the custody log's chain is intact. Where namespaces cannot be made, the same
// scenario runs on 127.0.0.1 (the reason is printed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeWayback, type FakeWayback } from '../fakes/wayback.ts';
import {
  createNetwork,
  hostDir,
  startDataServices,
  startVigieIn,
  type DataServices,
  type Host,
  type TestNetwork,
} from '../helpers/netns.ts';
import { waitFor } from './driver-suite.ts';
import { writeConfig, type VigieProcess } from './process-kit.ts';
import { dumpValuesUnder, uniquePrefix } from './redis-test-kit.ts';

const TOKEN = 'multi-host-test-token-5d81e0';
const WATCHES = 50;
const POSTS_PER_WATCH = 300; // three pages of 100 each
const HOSTILE_PER_WATCH = 4; // of which these are archived as evidence
const WAYBACK_RATE = 20; // captures per window, across every worker
const WAYBACK_WINDOW_MS = 500;
const WORKER_HOSTS = ['worker1', 'worker2', 'worker3'];
// Every setting a host needs comes from its own configuration file: nothing from this process's
// environment may point it at the machine's services.
const NO_OUTSIDE_SERVICES = { REDIS_URL: '', DATABASE_URL: '', VIGIE_CONFIG: '' };

describe('distributed mode across hosts: web + 3 workers, PostgreSQL and Redis over the network', () => {
  const prefix = uniquePrefix();
  let network: TestNetwork;
  let services: DataServices;
  let fake: FakeXApi;
  let wayback: FakeWayback;
  let client: pg.Client;
  let connection: Redis;
  let pollQueue: Queue;
  let web: VigieProcess;
  const workers = new Map<string, VigieProcess>();
  const envs = new Map<string, NodeJS.ProcessEnv>();
  const hostileIds = new Set<string>();

  /** One configuration per host, with a data directory of its own: only the network is shared. */
  function hostEnv(host: Host): NodeJS.ProcessEnv {
    const dir = hostDir(host, 'vigie');
    const config = writeConfig(dir, {
      dataDir: dir,
      server: { host: host.address, port: 0 },
      log: { level: 'info' },
      database: { url: services.databaseUrl },
      security: { encryptionKey: 'a3'.repeat(32) },
      // The hung first page stays open until the kill, however long the machine takes to get there.
      sources: { x: { bearerToken: TOKEN, baseUrl: fake.url, timeoutMs: 240_000, maxRetries: 1 } },
      jobs: { concurrency: 2, maxAttempts: 3, backoffMs: 200 },
      // A killed worker's job is taken again once its lock lapses. The lock is short so that the
      // test does not wait a minute, but not so short that a live worker on a loaded machine (its
      // event loop held for seconds while it builds its scorer) loses the jobs it is running.
      queue: { redisUrl: services.redisUrl, prefix, lockDurationMs: 20_000, stalledIntervalMs: 5_000 },
      archive: {
        wayback: {
          baseUrl: wayback.url,
          availabilityUrl: wayback.availabilityUrl,
          ratePerMinute: WAYBACK_RATE,
          rateWindowMs: WAYBACK_WINDOW_MS,
          statusPollMs: 50,
          retryDelayMs: 0,
        },
      },
      watches: Array.from({ length: WATCHES }, (_, i) => ({
        id: `w${i}`,
        names: [`Person ${i}`],
        x: { handle: `user_${i}` },
        schedule: '*/5 * * * *',
      })),
    });
    return { ...NO_OUTSIDE_SERVICES, VIGIE_CONFIG: config };
  }

  const startWorker = (name: string) =>
    startVigieIn(network.host(name), ['worker', '--queues', 'poll,score,archive'], envs.get(name)!);

  async function count(query: string): Promise<number> {
    const { rows } = await client.query<{ n: string }>(query);
    return Number(rows[0]!.n);
  }

  beforeAll(async () => {
    network = createNetwork(['db', 'web', ...WORKER_HOSTS]);
    services = await startDataServices(network, 'db');
    fake = await startFakeXApi({ token: TOKEN, host: network.rootAddress });
    wayback = await startFakeWayback({ host: network.rootAddress });
    for (let i = 0; i < WATCHES; i++) {
      fake.generateMentions(`user_${i}`, POSTS_PER_WATCH - HOSTILE_PER_WATCH);
      const ids = fake.addTweets(
        Array.from({ length: HOSTILE_PER_WATCH }, (_, k) => ({
          text: `@user_${i} tu es une conne, je vais te retrouver (${k})`,
          author: `troll_${k}`,
          lang: 'fr',
        })),
      );
      for (const id of ids) hostileIds.add(id);
    }
    for (const name of ['web', ...WORKER_HOSTS]) envs.set(name, hostEnv(network.host(name)));
    client = await services.pgClient();
    connection = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
    pollQueue = new Queue('poll', { connection, prefix });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([web, ...workers.values()].filter(Boolean).map((p) => p.stop('SIGKILL')));
    await pollQueue?.close();
    await connection?.quit();
    await client?.end();
    await fake?.close();
    await wayback?.close();
    await network?.teardown();
  }, 60_000);

  it('stores every post once, archives every hostile post once and keeps the ledger intact when a worker host loses its process mid-poll', async () => {
    // One first page hangs: the worker that takes it is the one killed, mid-job.
    const victimUser = fake.addUser('user_17');
    const victimPath = `/2/users/${victimUser.id}/mentions`;
    fake.injectFault({ kind: 'hang', at: (r) => r.path === victimPath && !('pagination_token' in r.query) });

    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(0)}`);
    // The operator's order: the schema first, then the web process and the workers.
    const migrate = startVigieIn(network.host('web'), ['migrate'], envs.get('web')!);
    expect(await migrate.exited, migrate.output()).toBe(0);
    // The schema is in the data host's PostgreSQL, not in a SQLite file beside the web process.
    expect(
      await count("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'posts'"),
      'vigie migrate created the posts table in PostgreSQL (database.url)',
    ).toBe(1);
    web = startVigieIn(network.host('web'), ['web'], envs.get('web')!);
    for (const name of WORKER_HOSTS) workers.set(name, startWorker(name));
    const listening = await web.waitForLine(/Vigie listening/, 90_000);
    expect(listening).toContain(network.host('web').address);
    await Promise.all([...workers.values()].map((w) => w.waitForLine(/"msg":"Vigie started"/, 90_000)));
    phase('started');

    // The hung request is held by one worker's active job: find which host runs it.
    let victimPid = 0;
    await waitFor(
      async () => {
        const active = await pollQueue.getActive();
        const job = active.find((j) => j.data.watchId === 'w17' && j.data.task === 'source');
        const hung = fake.requests.some((r) => r.path === victimPath && r.status === undefined);
        if (job?.processedBy && hung) victimPid = Number(job.processedBy.split(':').at(-1));
        return victimPid > 0;
      },
      'the hung poll to be running',
      90_000,
    );
    const victimHost = [...workers].find(([, w]) => w.pid === victimPid)?.[0];
    expect(victimHost, `pid ${victimPid} is one of the workers`).toBeDefined();

    // Every host reached Redis and PostgreSQL from its own address, over the test network.
    if (network.mode === 'netns') {
      const redisClients = await connection.client('LIST');
      const pgLog = services.postgresOutput();
      for (const name of ['web', ...WORKER_HOSTS]) {
        const address = network.host(name).address;
        expect(redisClients, `${name} is a Redis client`).toContain(`addr=${address}:`);
        expect(pgLog, `${name} connected to PostgreSQL`).toContain(`host=${address} `);
      }
    }

    // The kill comes once every hostile post but the hung watch's is archived: the victim then
    // holds no Wayback capture, so each post is submitted once. (A capture claimed by a killed
    // worker is freed when its lease ends, a minute at least, and submitted again: that case is
    // test/jobs/distributed.test.ts's.) The victim is still in the middle of its poll.
    const hostile = WATCHES * HOSTILE_PER_WATCH;
    const archiveQueue = new Queue('archive', { connection, prefix });
    const archived = () => count("SELECT count(*) AS n FROM archives WHERE status = 'archived'");
    const archiveState = async () =>
      JSON.stringify({
        rows: (
          await client.query('SELECT status, count(*) AS n FROM archives GROUP BY status ORDER BY status')
        ).rows,
        queue: await archiveQueue.getJobCounts(),
        failed: (await archiveQueue.getFailed(0, 3)).map((j) => j.failedReason),
        submissions: wayback.submissions.length,
      });
    await waitFor(
      async () => {
        const c = await archiveQueue.getJobCounts('waiting', 'active', 'prioritized');
        // The recurring sweep always has its next run delayed: only other delayed jobs count.
        const deferred = (await archiveQueue.getDelayed()).filter((j) => !j.repeatJobKey).length;
        const pending = c.waiting! + c.active! + c.prioritized! + deferred;
        return pending === 0 && (await archived()) === hostile - HOSTILE_PER_WATCH;
      },
      'the other watches’ hostile posts to be archived',
      180_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await archiveState()}`);
    });
    expect(fake.requests.some((r) => r.path === victimPath && r.status === undefined)).toBe(true);
    phase('kill');
    const storedAtKill = await count('SELECT count(*) AS n FROM posts');
    await workers.get(victimHost!)!.stop('SIGKILL');
    // The host comes back with a new worker process; the stalled job goes to whichever takes it.
    workers.set(victimHost!, startWorker(victimHost!));

    const total = WATCHES * POSTS_PER_WATCH;
    const pollState = async () =>
      JSON.stringify({
        posts: await count('SELECT count(*) AS n FROM posts'),
        queue: await pollQueue.getJobCounts(),
        failed: (await pollQueue.getFailed(0, 5)).map((j) => `${j.data.watchId}: ${j.failedReason}`),
        failingSources: (
          await client.query('SELECT watch_id, consecutive_failures, last_error FROM sources WHERE consecutive_failures > 0 LIMIT 5')
        ).rows,
      });
    await waitFor(
      async () => (await count('SELECT count(*) AS n FROM posts')) >= total,
      'every post to be stored',
      180_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await pollState()}`);
    });
    await waitFor(
      async () => {
        const c = await pollQueue.getJobCounts('waiting', 'active', 'prioritized');
        const unpolled = await count('SELECT count(*) AS n FROM sources WHERE last_success_at IS NULL');
        return c.waiting! + c.active! + c.prioritized! === 0 && unpolled === 0;
      },
      'the poll queue to drain',
      30_000,
    );
    phase('stored');
    expect(storedAtKill).toBeLessThan(total);
    expect(await count('SELECT count(*) AS n FROM posts')).toBe(total);
    expect(await count("SELECT count(DISTINCT watch_id || '/' || external_id) AS n FROM posts")).toBe(total);
    const perWatch = await client.query<{ watch_id: string; n: string }>(
      'SELECT watch_id, count(*) AS n FROM posts GROUP BY watch_id ORDER BY watch_id',
    );
    expect(perWatch.rows.length).toBe(WATCHES);
    for (const r of perWatch.rows) expect(Number(r.n), `watch ${r.watch_id}`).toBe(POSTS_PER_WATCH);
    // The victim's source was polled again from its first page by a live worker.
    const firstPages = fake.requests.filter((r) => r.path === victimPath && !('pagination_token' in r.query));
    expect(firstPages.length).toBeGreaterThanOrEqual(2);
    expect(await pollQueue.getFailedCount(), await pollState()).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sources WHERE consecutive_failures > 0')).toBe(0);

    // Every hostile post archived once: one archive row each, one Wayback submission each, never
    // faster than the rate the workers share.
    await waitFor(async () => (await archived()) >= hostile, 'every hostile post to be archived', 60_000);
    phase('archived');
    expect(await count('SELECT count(*) AS n FROM archives')).toBe(hostile);
    expect(await archived()).toBe(hostile);
    const perUrl = new Map<string, number>();
    for (const x of wayback.submissions) perUrl.set(x.url, (perUrl.get(x.url) ?? 0) + 1);
    const submittedIds = new Set([...perUrl.keys()].map((u) => /\/status\/(\d+)/.exec(u)?.[1]));
    expect(submittedIds).toEqual(hostileIds);
    expect([...perUrl].filter(([, n]) => n !== 1)).toEqual([]);
    expect(wayback.submissions.length).toBe(hostile);
    expect(wayback.maxInWindow(WAYBACK_WINDOW_MS)).toBeLessThanOrEqual(WAYBACK_RATE);
    expect(await archiveQueue.getFailedCount()).toBe(0);
    await archiveQueue.close();

    // The custody log's hash chain, written by four processes on four hosts, is intact.
    const verify = startVigieIn(network.host('web'), ['ledger', 'verify'], envs.get('web')!);
    expect(await verify.exited, verify.output()).toBe(0);
    phase('verified');

    // Only ids travelled through Redis: no post text, no token.
    const redisText = await dumpValuesUnder(prefix, services.redisUrl);
    expect(redisText).toContain('w17');
    expect(redisText).not.toContain('je vais te retrouver');
    expect(redisText).not.toMatch(/message \d+ from fan_/);
    expect(redisText).not.toContain(TOKEN);
    process.stderr.write(
      `multi-host test (${network.mode === 'netns' ? `namespaces on ${network.subnet}` : '127.0.0.1'}): ` +
        `${total} posts stored once (${storedAtKill} before the SIGKILL of ${victimHost}'s worker), ` +
        `${hostile} archived, ${wayback.submissions.length} Wayback submissions; seconds since the migration: ` +
        `${phases.join(', ')}\n`,
    );
  }, 420_000);
});
