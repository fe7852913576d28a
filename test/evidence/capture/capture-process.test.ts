import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrowserUnavailableError } from '../../../src/evidence/capture/browser-host.ts';
import {
  CaptureTimeoutError,
  createCaptureHost,
  type CaptureHost,
  type CaptureHostOptions,
} from '../../../src/evidence/capture/capture-host.ts';
import { startCapturePages, type CapturePages } from '../../fakes/capture-pages.ts';
import { storePosts } from '../helpers.ts';
import { captureKit, type CaptureKit } from './capture-kit.ts';

// The browser runs in a child process of the service: the service never loads playwright-core,
// the child ends (with its Chromium) once idle, and a child that dies or stops answering fails its
// captures as a browser failure and is replaced at the next capture.

let pages: CapturePages;
const hosts: CaptureHost[] = [];
const kits: CaptureKit[] = [];
// Pages of each test's own: a request left open by one test is not counted in the next.
beforeEach(async () => {
  pages = await startCapturePages();
});
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const k of kits.splice(0)) await k.store.close();
  await pages.close();
});

function host(o: Partial<CaptureHostOptions> = {}): CaptureHost {
  const h = createCaptureHost({ executablePath: '/usr/bin/chromium', ...o });
  hosts.push(h);
  return h;
}

const NO_WARC_EXTRAS = { info: { software: 'Vigie test', description: 'a test capture' }, resources: [] };

const captureOf = (h: CaptureHost, path: string, timeoutMs = 30_000) =>
  h.capture({
    request: {
      url: `${pages.url}${path}`,
      network: { allowPrivateAddresses: true },
      navigationTimeoutMs: 30_000,
    },
    context: { ignoreTlsErrors: false, viewport: { width: 800, height: 600 } },
    warc: NO_WARC_EXTRAS,
    timeoutMs,
  });

/** Whether this process still runs (a zombie has ended: only its parent has not reaped it yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The processes below `root`, at any depth. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // Ended meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

const loadedPlaywright = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('playwright-core'));

describe('the capture process', () => {
  it('captures in a child process, which ends with its browser once idle: playwright-core is never loaded here', async () => {
    const h = host({ idleExitMs: 2000 });
    const k = await captureKit(h);
    kits.push(k);
    const [id] = await storePosts(k.store, [
      { externalId: 'c1', url: `${pages.url}/post/c1`, platform: 'web' },
    ]);
    const during = k.capturer.run({ watchId: 'alice' });
    await expect.poll(() => h.childPid(), { timeout: 20_000 }).toBeDefined();
    const child = h.childPid()!;
    expect(child).not.toBe(process.pid);
    expect(await during).toMatchObject({ captured: 1, browser: 'ok' });
    expect((await k.collectionLog(id!)).browser).toMatchObject({ name: 'chromium', version: h.version() });
    expect(h.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(loadedPlaywright()).toEqual([]);

    // Idle: the child ends, and Chromium with it.
    const browsers = descendants(child);
    await expect.poll(() => h.childPid(), { timeout: 20_000 }).toBeUndefined();
    await expect.poll(() => [child, ...browsers].filter(alive), { timeout: 20_000 }).toEqual([]);
    expect(h.running()).toBe(false);

    // The next capture starts a new one.
    const [id2] = await storePosts(k.store, [
      { externalId: 'c2', url: `${pages.url}/post/c2`, platform: 'web' },
    ]);
    expect(await k.capturer.run({ watchId: 'alice' })).toMatchObject({ captured: 1 });
    expect((await k.captures.get(id2!))!.status).toBe('captured');
    expect(loadedPlaywright()).toEqual([]);
  });

  it('fails the captures of a child killed mid-capture as a browser failure, and the next capture starts a new child', async () => {
    const h = host();
    const k = await captureKit(h, { retryDelayMs: 60_000 });
    kits.push(k);
    const [hung] = await storePosts(k.store, [
      { externalId: 'k1', url: `${pages.url}/hang`, platform: 'web' },
    ]);
    const run = k.capturer.run({ watchId: 'alice' });
    await expect.poll(() => pages.hanging(), { timeout: 20_000 }).toBe(1);
    const killed = h.childPid()!;
    process.kill(killed, 'SIGKILL');
    expect(await run).toMatchObject({ captured: 0, failed: 0, retried: 1 });
    // The browser's failure, not the post's: the attempt is given back, the breaker counts it.
    expect(await k.captures.get(hung!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await k.captures.get(hung!))!.lastError).toBe(
      "the browser's capture process ended unexpectedly (SIGKILL)",
    );
    expect(await k.captures.health()).toMatchObject({ consecutiveFailures: 1 });

    const [next] = await storePosts(k.store, [
      { externalId: 'k2', url: `${pages.url}/post/k2`, platform: 'web' },
    ]);
    // The hung post waits for its retry time; the new one is captured by a new child.
    expect(await k.capturer.run({ watchId: 'alice' })).toMatchObject({ captured: 1, browser: 'ok' });
    expect((await k.captures.get(next!))!.status).toBe('captured');
    expect(h.childPid()).not.toBe(killed);
    expect(await k.captures.health()).toMatchObject({ consecutiveFailures: 0 });
  });

  it('abandons a capture past its time in the child, which goes on capturing', async () => {
    const h = host();
    const late = await captureOf(h, '/hang', 1000).catch((e: unknown) => e);
    expect(late).toEqual(new CaptureTimeoutError('the capture took longer than 1000 ms'));
    expect(late).toBeInstanceOf(CaptureTimeoutError);
    const child = h.childPid();
    // The page's context was closed: the browser gave up its request.
    await expect.poll(() => pages.hanging(), { timeout: 20_000 }).toBe(0);
    expect(h.running()).toBe(true);
    const next = await captureOf(h, '/post/t1');
    expect(next.status).toBe(200);
    expect(h.childPid()).toBe(child);
  });

  it('kills a child that does not answer when a capture is abandoned', async () => {
    const h = host({ unresponsiveMs: 500 });
    expect((await captureOf(h, '/post/u0')).status).toBe(200);
    const stuck = h.childPid()!;
    // Stopped, the child reads no message: neither the capture nor its abandoning is answered.
    process.kill(stuck, 'SIGSTOP');
    const err = await captureOf(h, '/hang', 500).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserUnavailableError);
    expect(err).toMatchObject({
      reason: 'failing',
      message: "the browser's capture process ended unexpectedly (SIGKILL)",
    });
    await expect.poll(() => alive(stuck), { timeout: 20_000 }).toBe(false);
    expect((await captureOf(h, '/post/u1')).status).toBe(200);
    expect(h.childPid()).not.toBe(stuck);
  });

  it('keeps the kind of the errors that cross from the child', async () => {
    const missing = host({ executablePath: '/nonexistent/chromium' });
    await expect(captureOf(missing, '/post/e1')).rejects.toMatchObject({
      name: 'BrowserUnavailableError',
      reason: 'missing',
    });
    const h = host();
    await expect(captureOf(h, '/missing')).rejects.toMatchObject({
      name: 'PageCaptureError',
      status: 404,
      message: 'the page answered HTTP 404',
    });
    await expect(
      h.capture({
        request: {
          url: `${pages.url}/post/e2`,
          network: { allowPrivateAddresses: false },
          navigationTimeoutMs: 10_000,
        },
        context: { ignoreTlsErrors: false, viewport: { width: 800, height: 600 } },
        warc: NO_WARC_EXTRAS,
        timeoutMs: 30_000,
      }),
    ).rejects.toMatchObject({
      name: 'BlockedUrlError',
      message: expect.stringMatching(/not allowed \(loopback\)/),
    });
  });

  it('ends the child and its browser when closed', async () => {
    const h = host();
    expect((await captureOf(h, '/post/z1')).png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const child = h.childPid()!;
    const browsers = descendants(child);
    expect(browsers.length).toBeGreaterThan(0);
    await h.close();
    expect(h.childPid()).toBeUndefined();
    expect(alive(child)).toBe(false);
    await expect.poll(() => browsers.filter(alive), { timeout: 20_000 }).toEqual([]);
  });
});
