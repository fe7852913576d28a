import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { BullmqDriver } from '../jobs/bullmq-driver.ts';
import { createInlineDriver } from '../jobs/inline-driver.ts';
import { redactRedisUrl } from '../jobs/redact-redis-url.ts';
import type { JobDriver } from '../jobs/types.ts';

/** Whether this configuration runs in distributed mode (BullMQ on Redis). */
export function isDistributed(config: Readonly<Config>): boolean {
  return Boolean(config.queue.redisUrl);
}

/** The BullMQ driver of this configuration (bullmq and ioredis are loaded here, on demand). */
export async function loadBullmqDriver(config: Readonly<Config>, log: Logger): Promise<BullmqDriver> {
  const { jobs, queue } = config;
  if (!queue.redisUrl) throw new Error('no Redis URL configured (queue.redisUrl or REDIS_URL)');
  const { createBullmqDriver } = await import('../jobs/bullmq-driver.ts');
  return createBullmqDriver({
    log,
    redisUrl: queue.redisUrl,
    prefix: queue.prefix,
    concurrency: jobs.concurrency,
    maxAttempts: jobs.maxAttempts,
    backoffMs: jobs.backoffMs,
    removeOnComplete: queue.removeOnComplete,
    removeOnFail: queue.removeOnFail,
    lockDurationMs: queue.lockDurationMs,
    stalledIntervalMs: queue.stalledIntervalMs,
    rateLimitPauseMaxMs: queue.rateLimitPauseMaxMs,
  });
}

/**
 * The BullMQ driver behind a door that loads it at its first use: bullmq and ioredis weigh ~25 MB
 * and most of a second to import, which the composition root (built synchronously) would
 * otherwise pay before the service listens. A driver never used (stopped at once) loads nothing.
 */
function deferredBullmqDriver(config: Readonly<Config>, log: Logger): JobDriver {
  let loading: Promise<BullmqDriver> | undefined;
  const driver = (): Promise<BullmqDriver> => (loading ??= loadBullmqDriver(config, log));
  return {
    name: 'bullmq',
    enqueue: async (kind, payload, options) => (await driver()).enqueue(kind, payload, options),
    start: async (handlers, options) => (await driver()).start(handlers, options),
    syncSchedules: async (schedules) => (await driver()).syncSchedules(schedules),
    idle: async () => (loading ? (await loading).idle() : undefined),
    stop: async () => (loading ? (await loading).stop() : undefined),
  };
}

/**
 * The job driver this configuration asks for: BullMQ when a Redis URL is set (REDIS_URL or
 * queue.redisUrl), the embedded one otherwise. The handlers are the same either way.
 */
export function createJobDriver(config: Readonly<Config>, log: Logger): JobDriver {
  const { jobs, queue } = config;
  if (!queue.redisUrl) {
    return createInlineDriver({
      log,
      concurrency: jobs.concurrency,
      maxAttempts: jobs.maxAttempts,
      backoffMs: jobs.backoffMs,
    });
  }
  log.debug({ redis: redactRedisUrl(queue.redisUrl), prefix: queue.prefix }, 'distributed mode');
  return deferredBullmqDriver(config, log);
}
