import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.ts';
import { createJobDriver, isDistributed } from '../../src/app/job-driver.ts';
import { silentLogger } from '../../src/logger.ts';
import { tempDir } from '../helpers/temp.ts';

describe('job driver choice', () => {
  it('is embedded by default and BullMQ when REDIS_URL is set (the URL wins from the environment)', async () => {
    const t = tempDir();
    try {
      const embedded = loadConfig({ env: { VIGIE_DATA_DIR: t.dir }, cwd: t.dir }).config;
      expect(isDistributed(embedded)).toBe(false);
      expect(embedded.queue).toMatchObject({ prefix: 'vigie', removeOnComplete: 1000, removeOnFail: 5000 });
      const inline = createJobDriver(embedded, silentLogger());
      expect(inline.name).toBe('inline');
      await inline.stop();

      const env = { VIGIE_DATA_DIR: t.dir, REDIS_URL: 'redis://:s3cret@127.0.0.1:6379/2' };
      const distributed = loadConfig({ env, cwd: t.dir }).config;
      expect(distributed.queue.redisUrl).toBe('redis://:s3cret@127.0.0.1:6379/2');
      const bullmq = createJobDriver(distributed, silentLogger());
      expect(bullmq.name).toBe('bullmq');
      await bullmq.stop(); // never connected: nothing used a queue
    } finally {
      t.cleanup();
    }
  });

  it('names the setting when the Redis URL or the prefix is wrong', () => {
    expect(() => parseConfig({ queue: { redisUrl: 'localhost:6379' } })).toThrow(ConfigError);
    expect(() => parseConfig({ queue: { redisUrl: 'localhost:6379' } })).toThrow(
      /queue\.redisUrl: expected a Redis URL/,
    );
    expect(() => parseConfig({ queue: { prefix: 'a b' } })).toThrow(/queue\.prefix: expected a short prefix/);
    expect(() => parseConfig({ queue: { removeOnFail: -1 } })).toThrow(/queue\.removeOnFail/);
  });
});
