// Process roles in distributed mode: `vigie web` enqueues but never consumes; `vigie start` does
// everything in one process through Redis; both stop cleanly on SIGTERM.
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openDb, dbFile, closeDb, type Db } from '../../src/db/client.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { tempDir } from '../helpers/temp.ts';
import { waitFor } from './driver-suite.ts';
import { startProcess, writeConfig, type VigieProcess } from './process-kit.ts';
import { REDIS_URL, deleteKeysUnder, uniquePrefix } from './redis-test-kit.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';

const TOKEN = 'roles-test-token';

describe('vigie web / start in distributed mode', () => {
  const prefix = uniquePrefix();
  const tmp = tempDir();
  const processes: VigieProcess[] = [];
  let fake: FakeXApi | undefined;
  let db: Db | undefined;
  let connection: Redis | undefined;
  let poll: Queue | undefined;

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await poll?.close();
    await connection?.quit();
    if (db) closeDb(db);
    await fake?.close();
    await deleteKeysUnder(prefix);
    tmp.cleanup();
  });

  it('`vigie web` leaves the jobs to workers; `vigie start` runs them itself; both exit 0 on SIGTERM', async () => {
    fake = await startFakeXApi({ token: TOKEN });
    fake.generateMentions('alice_m', 120);
    const config = writeConfig(tmp.dir, {
      dataDir: tmp.dir,
      server: { host: '127.0.0.1', port: 0 },
      sources: { x: { bearerToken: TOKEN, baseUrl: fake.url } },
      queue: { prefix },
      watches: [{ id: 'alice', names: ['Alice Martin'], x: { handle: 'alice_m' } }],
    });
    const env = { REDIS_URL, VIGIE_CONFIG: config };
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    poll = new Queue('poll', { connection, prefix });

    const web = startProcess(['web'], env);
    processes.push(web);
    await web.waitForLine(/Vigie listening/);
    db = openDb(dbFile(tmp.dir), { migrate: false });
    const store = createSqliteStore(db);
    const posts = createPostsRepo(store, createLedger(store));
    // The boot poll waits in Redis for a worker: the web process does not run it. (It is enqueued
    // once the port is bound, just after "listening" is printed.)
    await expect.poll(() => poll!.getWaitingCount(), { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await poll.getWaitingCount()).toBe(1);
    expect(await posts.count()).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(await web.stop('SIGTERM')).toBe(0);

    const all = startProcess(['start'], env);
    processes.push(all);
    await waitFor(
      async () => (await posts.count('alice')) === 120,
      'the posts, polled by `vigie start`',
      30_000,
    );
    expect((await poll.getJobSchedulers()).map((s) => s.key)).toContain('poll:alice');
    await all.waitForLine(/"msg":"Vigie started"/); // signals are handled from then on
    expect(await all.stop('SIGTERM')).toBe(0);
    expect(all.output()).toMatch(/"driver":"bullmq"/);
  }, 90_000);
});
