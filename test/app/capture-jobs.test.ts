import { afterEach, describe, expect, it } from 'vitest';
import { captureSchedules } from '../../src/app/capture-jobs.ts';
import { schedules } from '../../src/app/handlers.ts';
import { startCapturePages } from '../fakes/capture-pages.ts';
import { testDeps } from '../helpers/deps.ts';
import { post } from '../evidence/helpers.ts';
import { waitFor } from '../jobs/driver-suite.ts';
import { REDIS_URL, deleteKeysUnder, uniquePrefix } from '../jobs/redis-test-kit.ts';

// The `capture` job kind on both drivers: new hostile posts (the after-store rule) bring a capture
// job, whose handler captures them in the real browser.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Record<string, unknown>) {
  const pages = await startCapturePages();
  cleanups.push(() => pages.close());
  const t = await testDeps({
    capture: { enabled: true, navigationTimeoutMs: 10_000 },
    watches: [{ id: 'alice', names: ['Alice Martin'], feeds: [`${pages.url}/feed.xml`] }],
    ...extra,
  });
  cleanups.push(t.cleanup);
  const { deps } = t;
  const sourceId = (await deps.sources.listEnabled('alice'))[0]!.id;
  const store = async () =>
    await deps.posts.storePage({
      watchId: 'alice',
      sourceId,
      seenAt: Date.now(),
      posts: [
        post({ externalId: 'j1', url: `${pages.url}/post/j1`, level: 'high' }),
        post({ externalId: 'j2', url: `${pages.url}/post/j2`, level: 'none' }),
      ],
    });
  return { deps, store, pages };
}

describe('capture jobs', () => {
  it('run on the inline driver: the after-store rule enqueues a capture of the hostile post', async () => {
    const { deps, store, pages } = await setup({});
    expect(deps.driver.name).toBe('inline');
    await deps.driver.start(deps.handlers(), { kinds: ['capture'] });
    const stored = await store();
    await deps.afterStore('alice', stored);
    await deps.driver.idle();
    const [hostile, calm] = stored;
    expect(await deps.captures.get(hostile!.id)).toMatchObject({
      status: 'captured',
      method: 'page',
      httpStatus: 200,
    });
    // Below the archive threshold: not due, not captured.
    expect(await deps.captures.get(calm!.id)).toBeUndefined();
    expect(pages.requests).not.toContain('/post/j2');
    expect(await deps.captures.health()).toMatchObject({ state: 'ok' });
  }, 90_000);

  it('run on the BullMQ driver (real Redis)', async () => {
    const prefix = uniquePrefix();
    cleanups.push(() => deleteKeysUnder(prefix));
    const { deps, store } = await setup({
      jobs: { concurrency: 1, maxAttempts: 2, backoffMs: 100 },
      queue: { redisUrl: REDIS_URL, prefix },
    });
    expect(deps.driver.name).toBe('bullmq');
    await deps.driver.start(deps.handlers(), { kinds: ['capture'] });
    const stored = await store();
    await deps.afterStore('alice', stored);
    await waitFor(
      async () => (await deps.captures.get(stored[0]!.id))?.status === 'captured',
      'the capture job to capture the post',
      60_000,
    );
    expect((await deps.captures.get(stored[0]!.id))!.files.map((f) => f.name).sort()).toEqual([
      'page.pdf',
      'page.png',
      'page.warc',
    ]);
  }, 90_000);

  it('schedules a capture sweep only when captures are on', async () => {
    const { deps, config } = await testDeps({ capture: { enabled: true } });
    cleanups.push(() => deps.close());
    expect(captureSchedules(config)).toEqual([
      { id: 'capture:sweep', pattern: '*/5 * * * *', kind: 'capture', payload: {} },
    ]);
    expect(schedules(config, []).map((s) => s.id)).toContain('capture:sweep');
    const off = await testDeps({});
    cleanups.push(off.cleanup);
    expect(captureSchedules(off.config)).toEqual([]);
    expect(off.deps.handlers().capture).toBeUndefined();
  });
});
