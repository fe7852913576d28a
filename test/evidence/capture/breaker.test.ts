import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCaptureHost } from '../../../src/evidence/capture/capture-host.ts';
import { createCaptureRepo } from '../../../src/evidence/capture/capture-repo.ts';
import { createCapturer } from '../../../src/evidence/capture/capturer.ts';
import { createCaptureBreaker } from '../../../src/evidence/capture/capture-breaker.ts';
import { makeStore, storePosts, type TestStore } from '../helpers.ts';

// A missing browser and a browser that does not start: loud states, never a crash, and no post
// loses an attempt to the browser's failures.

let store: TestStore | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = dir = undefined;
});

async function setup(browserPath: string, capture: Record<string, unknown> = {}, clock?: () => number) {
  store = await makeStore({ capture: { browserPath, ...capture } });
  const captures = createCaptureRepo(store.store, store.ledger);
  const browser = createCaptureHost({ executablePath: browserPath, launchTimeoutMs: 10_000 });
  const capturer = createCapturer({
    config: store.config,
    log: store.log,
    watches: store.watches,
    captures,
    browser,
    now: clock,
  });
  const ids = await storePosts(store, [
    { externalId: 'a', url: 'http://127.0.0.1:9/post/a' },
    { externalId: 'b', url: 'http://127.0.0.1:9/post/b' },
    { externalId: 'c', url: 'http://127.0.0.1:9/post/c' },
  ]);
  return { captures, capturer, ids, browser };
}

describe('capture health', () => {
  it('a missing browser is a clear status: nothing tried, nothing lost', async () => {
    const { captures, capturer, ids } = await setup('/nonexistent/chromium');
    const s = await capturer.run({ watchId: 'alice' });
    expect(s).toMatchObject({ enrolled: 3, captured: 0, retried: 0, remaining: 3, browser: 'missing' });
    expect(s.message).toBe(
      "no browser at /nonexistent/chromium: install Debian's chromium package (apt-get install chromium) or set capture.browserPath",
    );
    for (const id of ids) expect(await captures.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await capturer.status()).toMatchObject({ state: 'missing', browserPath: '/nonexistent/chromium' });
    expect(await captures.health()).toMatchObject({ state: 'missing', browserPath: '/nonexistent/chromium' });
  });

  it('opens the circuit breaker after N browser failures in a row, says until when, and tries again after the pause', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-broken-browser-'));
    const broken = path.join(dir, 'chromium');
    writeFileSync(broken, '#!/bin/sh\necho "this browser is broken" >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    let clock = Date.now();
    const { captures, capturer, ids, browser } = await setup(
      broken,
      { breakerThreshold: 2, breakerPauseMs: 600_000 },
      () => clock,
    );
    const s = await capturer.run({ watchId: 'alice' });
    expect(s.captured).toBe(0);
    expect(s.browser).toBe('paused');
    expect(s.message).toMatch(
      new RegExp(
        `^captures paused until ${new Date(clock + 600_000).toISOString().replace(/[.]/g, '\\.')} after 2 browser failures in a row: the browser at ${broken.replace(/[.]/g, '\\.')} did not start`,
      ),
    );
    // No post paid for the browser's failures.
    for (const id of ids) expect((await captures.get(id))!.attempts).toBe(0);
    expect(await captures.health()).toMatchObject({ state: 'paused', pausedUntil: clock + 600_000 });

    // While paused, a pass tries nothing.
    const again = await capturer.run({ watchId: 'alice' });
    expect(again).toMatchObject({ captured: 0, retried: 0, browser: 'paused' });

    // After the pause, one more failure opens it again at once (the count was not forgotten).
    clock += 600_001;
    const later = await capturer.run({ watchId: 'alice' });
    expect(later.retried).toBe(1);
    expect(later.browser).toBe('paused');
    expect((await captures.health()).pausedUntil).toBe(clock + 600_000);
    await browser.close();
  });

  it('counts every browser failure when several workers fail at once (one read-modify-write each)', async () => {
    const { captures } = await setup('/nonexistent/chromium');
    const clock = Date.now();
    // Two workers (or processes) sharing the stored state: neither failure may overwrite the other.
    const breakers = [0, 1].map(() =>
      createCaptureBreaker({
        captures,
        browserPath: '/usr/bin/chromium',
        threshold: 4,
        pauseMs: 60_000,
        now: () => clock,
      }),
    );
    await Promise.all(
      breakers.flatMap((b) => [b.failure('failing', 'crashed'), b.failure('failing', 'crashed')]),
    );
    expect(await captures.health()).toMatchObject({
      state: 'paused',
      consecutiveFailures: 4,
      pausedUntil: clock + 60_000,
    });
    await breakers[0]!.success('120.0');
    expect(await captures.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0, pausedUntil: null });
  });
});
