// The real job handlers (deps.handlers()) run by the BullMQ driver chosen from the configuration.
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startFakeXApi } from '../fakes/x-api.ts';
import { testDeps } from '../helpers/deps.ts';
import { waitFor } from './driver-suite.ts';
import { REDIS_URL, deleteKeysUnder, uniquePrefix } from './redis-test-kit.ts';

const TOKEN = 'handlers-bullmq-token';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('job handlers on the BullMQ driver', () => {
  it('picks BullMQ when queue.redisUrl is set, and an X 429 delays the poll job until the reset without failing it', async () => {
    const fake = await startFakeXApi({ token: TOKEN });
    cleanups.push(() => fake.close());
    fake.generateMentions('alice_m', 250);
    let mentionCalls = 0;
    // The second page is refused; its reset is 2 s away and we do not wait in the adapter.
    fake.injectFault({
      kind: '429',
      resetInSeconds: 2,
      at: (r) => r.path.endsWith('/mentions') && ++mentionCalls === 2,
    });
    const prefix = uniquePrefix();
    cleanups.push(() => deleteKeysUnder(prefix));
    const t = await testDeps({
      sources: {
        x: { bearerToken: TOKEN, baseUrl: fake.url, maxRetries: 0, timeoutMs: 5_000, maxRateLimitWaitMs: 0 },
      },
      // One attempt: a rate limit counted as a failure would lose the rest of the poll until the next tick.
      jobs: { concurrency: 2, maxAttempts: 1, backoffMs: 100 },
      queue: { redisUrl: REDIS_URL, prefix, rateLimitPauseMaxMs: 500 },
      watches: [{ id: 'alice', names: ['Alice Martin'], x: { handle: 'alice_m' } }],
    });
    cleanups.push(t.cleanup);
    const { deps } = t;
    expect(deps.driver.name).toBe('bullmq');

    await deps.driver.start(deps.handlers(), { kinds: ['poll'] });
    const started = Date.now();
    await deps.driver.enqueue('poll', { task: 'watch', watchId: 'alice' });
    await waitFor(
      async () => (await deps.posts.count('alice')) === 250,
      'every mention to be stored',
      20_000,
    );
    const elapsed = Date.now() - started;

    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(900); // waited for the reset (whole seconds)
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const poll = new Queue('poll', { connection, prefix });
    try {
      expect(await poll.getFailedCount()).toBe(0);
      const done = await poll.getCompleted();
      const sourceJob = done.find((j) => j.data.task === 'source');
      expect(sourceJob?.attemptsMade).toBe(1); // one counted attempt: the deferral was free
    } finally {
      await poll.close();
      await connection.quit();
    }
    const [source] = await deps.sources.listHealth();
    expect(source!.lastSuccessAt).not.toBeNull();
  });
});
