import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentJobError, RetryLaterError, type JobPayload } from '../../src/jobs/types.ts';
import { waitFor } from './driver-suite.ts';
import { REDIS_URL, dumpValuesUnder, keysUnder, testBullmqDriver } from './redis-test-kit.ts';
import type { BullmqDriverOptions } from '../../src/jobs/bullmq-driver.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function make(over: Partial<BullmqDriverOptions> = {}) {
  const t = testBullmqDriver(over);
  cleanups.push(t.cleanup);
  return t;
}

/** A plain BullMQ view of one of the driver's queues, to check what Redis really holds. */
function inspect(prefix: string, kind: string): Queue {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const q = new Queue(kind, { connection, prefix });
  cleanups.push(async () => {
    await q.close();
    await connection.quit();
  });
  return q;
}

describe('BullMQ driver', () => {
  it('puts only ids in Redis, whatever the payload object carries', async () => {
    const { driver, prefix } = make();
    const leaky = {
      watchId: 'alice',
      sourceId: 4,
      postIds: [9],
      text: 'tu devrais avoir honte',
      token: 'Bearer SECRET-123',
    } as JobPayload;
    await driver.enqueue('archive', leaky, { jobId: 'archive:alice@1' });
    const [job] = await inspect(prefix, 'archive').getWaiting();
    expect(job!.data).toEqual({ watchId: 'alice', sourceId: 4, postIds: [9] });
    const everything = await dumpValuesUnder(prefix);
    expect(everything).toContain('alice');
    expect(everything).not.toContain('honte');
    expect(everything).not.toContain('SECRET-123');
  });

  it('on a RetryLaterError pauses the whole queue (at most rateLimitPauseMaxMs) and delays the job without failing it', async () => {
    const { driver, prefix } = make({ rateLimitPauseMaxMs: 800, concurrency: 1 });
    const starts: Array<{ id: number; at: number }> = [];
    let thrownAt = 0;
    await driver.start({
      poll: async (p) => {
        starts.push({ id: p.sourceId!, at: Date.now() });
        if (p.sourceId === 1 && starts.filter((s) => s.id === 1).length === 1) {
          thrownAt = Date.now();
          throw new RetryLaterError('429', Date.now() + 1_500);
        }
      },
    });
    await driver.enqueue('poll', { sourceId: 1 });
    await waitFor(() => thrownAt > 0, 'the rate-limited run');
    await driver.enqueue('poll', { sourceId: 2 });
    await driver.idle();
    const two = starts.find((s) => s.id === 2)!;
    const again = starts.filter((s) => s.id === 1)[1]!;
    expect(two.at - thrownAt).toBeGreaterThanOrEqual(750); // the queue waited…
    expect(two.at).toBeLessThan(again.at); // …less than the rate-limited job itself
    expect(again.at - thrownAt).toBeGreaterThanOrEqual(1_450);
    const q = inspect(prefix, 'poll');
    expect(await q.getFailedCount()).toBe(0);
  });

  it('defers an archive job without pausing the archive queue (its wait is its own, not a shared limit)', async () => {
    const { driver } = make({ rateLimitPauseMaxMs: 5_000, concurrency: 1 });
    const starts: Array<{ watch: string; at: number }> = [];
    let thrownAt = 0;
    await driver.start({
      archive: async (p) => {
        starts.push({ watch: p.watchId!, at: Date.now() });
        if (p.watchId === 'a' && thrownAt === 0) {
          thrownAt = Date.now();
          throw new RetryLaterError('captures pending', Date.now() + 1_000);
        }
      },
    });
    await driver.enqueue('archive', { watchId: 'a' });
    await waitFor(() => thrownAt > 0, 'the deferred run');
    await driver.enqueue('archive', { watchId: 'b' });
    await waitFor(() => starts.some((s) => s.watch === 'b'), 'the other archive job');
    const b = starts.find((s) => s.watch === 'b')!;
    expect(starts.filter((s) => s.watch === 'a')).toHaveLength(1); // a still waits for its time…
    expect(b.at - thrownAt).toBeLessThan(1_000); // …and b did not wait for it
    await driver.idle();
    expect(starts.filter((s) => s.watch === 'a')).toHaveLength(2);
  });

  it('lists a PermanentJobError as failed with its message, and retry-failed runs it again', async () => {
    const { driver } = make({ maxAttempts: 5 });
    let runs = 0;
    await driver.start({
      alert: async () => {
        runs++;
        if (runs === 1) throw new PermanentJobError('recipient address rejected');
      },
    });
    await driver.enqueue('alert', { watchId: 'alice' }, { jobId: 'alert:alice@5' });
    await driver.idle();
    expect(runs).toBe(1);
    const failed = await driver.failedJobs();
    expect(failed).toEqual([
      expect.objectContaining({
        kind: 'alert',
        logicalId: 'alert:alice@5',
        attempts: 1,
        error: 'recipient address rejected',
      }),
    ]);
    expect((await driver.counts()).find((c) => c.kind === 'alert')!.counts.failed).toBe(1);

    expect(await driver.retryFailed()).toBe(1);
    await driver.idle();
    expect(runs).toBe(2);
    expect(await driver.failedJobs()).toEqual([]);
  });

  it('keeps one scheduler per schedule however often it is synced, and removes the unwanted', async () => {
    const { driver, prefix } = make();
    const schedules = [
      {
        id: 'poll:alice',
        pattern: '*/5 * * * *',
        kind: 'poll' as const,
        payload: { task: 'watch', watchId: 'alice' },
      },
      {
        id: 'poll:bob',
        pattern: '*/5 * * * *',
        timezone: 'Europe/Paris',
        kind: 'poll' as const,
        payload: { task: 'watch', watchId: 'bob' },
      },
    ];
    for (let i = 0; i < 3; i++) await driver.syncSchedules(schedules);
    const q = inspect(prefix, 'poll');
    expect((await q.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['poll:alice', 'poll:bob']);
    expect(await q.getDelayedCount()).toBe(2); // one pending tick each

    await driver.syncSchedules([{ ...schedules[0]!, pattern: '*/10 * * * *' }]);
    const left = await q.getJobSchedulers();
    expect(left.map((s) => [s.key, s.pattern])).toEqual([['poll:alice', '*/10 * * * *']]);
    expect(await q.getDelayedCount()).toBe(1);
    expect(await driver.schedulers()).toHaveLength(1);
  });

  it('keeps finished jobs within the removeOnComplete bound', async () => {
    const { driver, prefix } = make({ removeOnComplete: 5 });
    await driver.start({ score: async () => {} });
    for (let i = 0; i < 20; i++) await driver.enqueue('score', { watchId: `w${i}` });
    await driver.idle();
    expect(await inspect(prefix, 'score').getCompletedCount()).toBeLessThanOrEqual(5);
  });

  it('does not connect to Redis until a queue is used', async () => {
    const { driver, prefix } = make({ redisUrl: 'redis://127.0.0.1:1' });
    await driver.stop(); // nothing opened, nothing to wait for
    const redis = new Redis(REDIS_URL);
    expect(await keysUnder(redis, prefix)).toEqual([]);
    await redis.quit();
  });
});
