import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { createBullmqDriver } from '../jobs/bullmq-driver.ts';
import { createInlineDriver } from '../jobs/inline-driver.ts';
import { redactRedisUrl } from '../jobs/redis-connections.ts';
import type { JobDriver } from '../jobs/types.ts';

/** Whether this configuration runs in distributed mode (BullMQ on Redis). */
export function isDistributed(config: Readonly<Config>): boolean {
  return Boolean(config.queue.redisUrl);
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
