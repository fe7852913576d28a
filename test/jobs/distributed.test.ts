// Distributed mode end to end: a web process and three worker processes share BullMQ queues on
// a real Redis and one SQLite file; the X API is the fake, served from this test process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openDb, dbFile, closeDb, type Db } from '../../src/db/client.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeWayback, type FakeWayback } from '../fakes/wayback.ts';
import { tempDir } from '../helpers/temp.ts';
import { waitFor } from './driver-suite.ts';
import { startProcess, writeConfig, type VigieProcess } from './process-kit.ts';
import { REDIS_URL, deleteKeysUnder, dumpValuesUnder, uniquePrefix } from './redis-test-kit.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';

const TOKEN = 'distributed-test-token-9f3b1c';
const WATCHES = 50;
const POSTS_PER_WATCH = 300; // three pages of 100 each
const HOSTILE_PER_WATCH = 4; // of which these are archived as evidence
const WAYBACK_RATE = 20; // captures per window, across every worker
const WAYBACK_WINDOW_MS = 500;

describe('distributed mode: web + 3 workers on one Redis', () => {
  const prefix = uniquePrefix();
  const tmp = tempDir();
  let fake: FakeXApi;
  let wayback: FakeWayback;
  let db: Db;
  let web: VigieProcess;
  const workers: VigieProcess[] = [];
  let env: NodeJS.ProcessEnv;
  let connection: Redis;
  let pollQueue: Queue;

  beforeAll(async () => {
    fake = await startFakeXApi({ token: TOKEN });
    wayback = await startFakeWayback();
    for (let i = 0; i < WATCHES; i++) {
      fake.generateMentions(`user_${i}`, POSTS_PER_WATCH - HOSTILE_PER_WATCH);
      fake.addTweets(
        Array.from({ length: HOSTILE_PER_WATCH }, (_, k) => ({
          text: `@user_${i} tu es une conne, je vais te retrouver (${k})`,
          author: `troll_${k}`,
          lang: 'fr',
        })),
      );
    }
    const configFile = writeConfig(tmp.dir, {
      dataDir: tmp.dir,
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'info' },
      sources: { x: { bearerToken: TOKEN, baseUrl: fake.url, timeoutMs: 60_000, maxRetries: 1 } },
      jobs: { concurrency: 2, maxAttempts: 3, backoffMs: 200 },
      queue: { prefix, lockDurationMs: 3_000, stalledIntervalMs: 1_000 },
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
    env = { REDIS_URL, VIGIE_CONFIG: configFile };
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    pollQueue = new Queue('poll', { connection, prefix });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([web, ...workers].filter(Boolean).map((p) => p.stop('SIGKILL')));
    await pollQueue?.close();
    await connection?.quit();
    if (db) closeDb(db);
    await fake?.close();
    await wayback?.close();
    await deleteKeysUnder(prefix);
    tmp.cleanup();
  });

  it('stores every post and archives every hostile one exactly once, under the global Wayback rate, when a worker is SIGKILLed mid-poll', async () => {
    // One first page hangs: the worker that takes it is the one killed, mid-job.
    const victimUser = fake.addUser('user_17');
    const victimPath = `/2/users/${victimUser.id}/mentions`;
    fake.injectFault({ kind: 'hang', at: (r) => r.path === victimPath && !('pagination_token' in r.query) });

    web = startProcess(['web'], env);
    await web.waitForLine(/Vigie listening/);
    db = openDb(dbFile(tmp.dir), { migrate: false });
    const store = createSqliteStore(db);
    const posts = createPostsRepo(store, createLedger(store));
    const sources = createSourcesRepo(store);
    for (let i = 0; i < 3; i++) workers.push(startProcess(['worker', '--queues', 'poll,score,archive'], env));
    await Promise.all(workers.map((w) => w.waitForLine(/"msg":"Vigie started"/)));

    // The hung request is held by one worker's active job: find which process runs it.
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
    const victim = workers.find((w) => w.pid === victimPid);
    expect(victim, `pid ${victimPid} is one of the workers`).toBeDefined();
    const storedAtKill = await posts.count();
    await victim!.stop('SIGKILL');

    // The stalled job goes to another worker; everything ends up stored, once.
    await waitFor(
      async () => (await posts.count()) >= WATCHES * POSTS_PER_WATCH,
      'every post to be stored',
      90_000,
    );
    await waitFor(
      async () => {
        const c = await pollQueue.getJobCounts('waiting', 'active', 'prioritized');
        return (
          c.waiting! + c.active! + c.prioritized! === 0 &&
          (await sources.listHealth()).every((s) => s.lastSuccessAt !== null)
        );
      },
      'the poll queue to drain',
      30_000,
    );
    expect(storedAtKill).toBeLessThan(WATCHES * POSTS_PER_WATCH);
    expect(await posts.count()).toBe(WATCHES * POSTS_PER_WATCH);
    for (let i = 0; i < WATCHES; i++) expect(await posts.count(`w${i}`), `watch w${i}`).toBe(POSTS_PER_WATCH);
    const distinct = db.$client
      .prepare('SELECT count(DISTINCT watch_id || external_id) AS n FROM posts')
      .get() as { n: number };
    expect(distinct.n).toBe(WATCHES * POSTS_PER_WATCH);
    // The victim's source was polled again from its first page by a survivor.
    const firstPages = fake.requests.filter((r) => r.path === victimPath && !('pagination_token' in r.query));
    expect(firstPages.length).toBeGreaterThanOrEqual(2);
    expect(await pollQueue.getFailedCount()).toBe(0);
    expect((await sources.listHealth()).filter((s) => s.consecutiveFailures > 0)).toEqual([]);

    // Every hostile post archived, each URL submitted once, never faster than the shared rate.
    const hostile = WATCHES * HOSTILE_PER_WATCH;
    const archived = () =>
      (
        db.$client.prepare("SELECT count(*) AS n FROM archives WHERE status = 'archived'").get() as {
          n: number;
        }
      ).n;
    // A capture the killed worker had claimed comes back when its lease ends (a minute at least):
    // the post is then submitted again — at most once more, and only for the worker's in-flight ones.
    await waitFor(() => archived() >= hostile, 'every hostile post to be archived', 240_000);
    expect((db.$client.prepare('SELECT count(*) AS n FROM archives').get() as { n: number }).n).toBe(hostile);
    expect(archived()).toBe(hostile);
    const perUrl = new Map<string, number>();
    for (const x of wayback.submissions) perUrl.set(x.url, (perUrl.get(x.url) ?? 0) + 1);
    expect(perUrl.size).toBe(hostile);
    const resubmitted = [...perUrl.values()].filter((n) => n > 1);
    expect(Math.max(...perUrl.values())).toBeLessThanOrEqual(2);
    expect(resubmitted.length).toBeLessThanOrEqual(2); // the victim's archive concurrency
    process.stderr.write(
      `kill test: ${await posts.count()} posts stored once (${storedAtKill} before the SIGKILL), ${archived()} archived, ` +
        `${wayback.submissions.length} Wayback submissions (${resubmitted.length} re-sent after the victim's lease), max ${wayback.maxInWindow(WAYBACK_WINDOW_MS)} per ${WAYBACK_WINDOW_MS} ms (limit ${WAYBACK_RATE})\n`,
    );
    expect(wayback.maxInWindow(WAYBACK_WINDOW_MS)).toBeLessThanOrEqual(WAYBACK_RATE);
    const archiveQueue = new Queue('archive', { connection, prefix });
    expect(await archiveQueue.getFailedCount()).toBe(0);
    await archiveQueue.close();

    // Only ids travelled through Redis: no post text, no token.
    const redisText = await dumpValuesUnder(prefix);
    expect(redisText).toContain('w17');
    expect(redisText).not.toContain('je vais te retrouver');
    expect(redisText).not.toMatch(/message \d+ from fan_/);
    expect(redisText).not.toContain(TOKEN);
  }, 420_000);

  it('keeps one scheduler per watch when the web process restarts twice', async () => {
    const schedulerState = async () => {
      const schedulers = await pollQueue.getJobSchedulers(0, -1);
      const ticks = (await pollQueue.getDelayed(0, -1)).filter((j) => j.repeatJobKey);
      return {
        schedulers: schedulers.length,
        keys: new Set(schedulers.map((s) => s.key)).size,
        ticks: ticks.length,
      };
    };
    expect(await schedulerState()).toEqual({ schedulers: WATCHES, keys: WATCHES, ticks: WATCHES });
    for (let restart = 0; restart < 2; restart++) {
      expect(await web.stop('SIGTERM')).toBe(0);
      web = startProcess(['web'], env);
      await web.waitForLine(/Vigie listening/);
      expect(await schedulerState()).toEqual({ schedulers: WATCHES, keys: WATCHES, ticks: WATCHES });
    }
  }, 60_000);
});
