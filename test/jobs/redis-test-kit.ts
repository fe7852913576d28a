import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createBullmqDriver,
  type BullmqDriver,
  type BullmqDriverOptions,
} from '../../src/jobs/bullmq-driver.ts';
import { silentLogger } from '../../src/logger.ts';

export const REDIS_URL = process.env.VIGIE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(): string {
  return `vigie-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Every key under a prefix (BullMQ keys are `prefix:queue:…`). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function deleteKeysUnder(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  try {
    const keys = await keysUnder(redis, prefix);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    await redis.quit();
  }
}

/** Every value stored under a prefix, as text, to search it for what must never be there. */
export async function dumpValuesUnder(prefix: string, url = REDIS_URL): Promise<string> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const parts: string[] = [];
  try {
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      if (type === 'string') parts.push((await redis.getBuffer(key))?.toString('utf8') ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push((await redis.lrange(key, 0, -1)).join('\n'));
      else if (type === 'set') parts.push((await redis.smembers(key)).join('\n'));
      else if (type === 'zset') parts.push((await redis.zrange(key, '0', '-1')).join('\n'));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } finally {
    await redis.quit();
  }
  return parts.join('\n');
}

/** A BullMQ driver on a fresh prefix; cleanup stops it and deletes its keys. */
export function testBullmqDriver(over: Partial<BullmqDriverOptions> = {}): {
  driver: BullmqDriver;
  prefix: string;
  cleanup: () => Promise<void>;
} {
  const prefix = over.prefix ?? uniquePrefix();
  const driver = createBullmqDriver({
    log: silentLogger(),
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 4,
    maxAttempts: 3,
    backoffMs: 100,
    removeOnComplete: 100,
    removeOnFail: 100,
    lockDurationMs: 5_000,
    stalledIntervalMs: 2_000,
    rateLimitPauseMaxMs: 0,
    shutdownGraceMs: 2_000,
    ...over,
  });
  return {
    driver,
    prefix,
    cleanup: async () => {
      await driver.stop();
      await deleteKeysUnder(prefix);
    },
  };
}
