import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startCapturePages, type CapturePages } from '../fakes/capture-pages.ts';
import { makeStore, storePosts, type TestStore } from '../evidence/helpers.ts';
import { databaseYaml } from '../helpers/test-store.ts';

// `vigie capture --once` and `vigie captures` as a person runs them, with the real Chromium.

let pages: CapturePages;
let store: TestStore;
let ids: number[];

function config(name: string, browserPath?: string): string {
  const file = path.join(store.dir, name);
  writeFileSync(
    file,
    [
      `dataDir: ${store.dir}`,
      ...databaseYaml(store.databaseConfig),
      'network:',
      '  allowPrivateAddresses: true',
      'capture:',
      '  navigationTimeoutMs: 10000',
      ...(browserPath ? [`  browserPath: ${browserPath}`] : []),
      'watches:',
      '  - id: alice',
      '    names: ["Alice Martin"]',
      '    feeds: ["http://127.0.0.1:9/feed.xml"]',
      '',
    ].join('\n'),
  );
  return file;
}

function vigie(
  configFile: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/vigie.js', '--config', configFile, ...args],
      { env: { ...process.env, VIGIE_LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  pages = await startCapturePages();
  store = await makeStore();
  ids = await storePosts(store, [{ externalId: 'c1', url: `${pages.url}/post/c1`, level: 'high' }]);
});
afterAll(async () => {
  await store?.close();
  await pages?.close();
});

describe('capture commands', () => {
  it('a missing browser: both commands say so clearly and exit 1, nothing crashes, nothing is lost', async () => {
    const file = config('missing.yaml', '/opt/nowhere/chromium');
    const once = await vigie(file, 'capture', '--once');
    expect(once.stderr).toBe('');
    expect(once.code).toBe(1);
    expect(once.stdout).toContain(
      'newly due: 1, captured: 0, failed for good: 0, to retry: 0, still to do: 1',
    );
    expect(once.stdout).toContain(
      "browser: MISSING: no browser at /opt/nowhere/chromium: install Debian's chromium package (apt-get install chromium) or set capture.browserPath",
    );
    const status = await vigie(file, 'captures');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('browser: MISSING: no browser at /opt/nowhere/chromium');
    expect(status.stdout).toContain('capture rows: pending 1');
  }, 180_000);

  it('`capture --once` captures the due post; `captures` shows the browser and the capture', async () => {
    const file = config('ok.yaml');
    const once = await vigie(file, 'capture', '--once');
    expect(once.stderr).toBe('');
    expect(once.stdout).toContain('captured: 1');
    expect(once.stdout).toMatch(/browser: ok \(\/usr\/bin\/chromium, chromium \d+\.\d+\.\d+\.\d+\)/);
    expect(once.code).toBe(0);
    for (const name of ['page.png', 'page.pdf', 'page.warc'])
      expect(existsSync(path.join(store.dir, 'captures', 'alice', String(ids[0]), name))).toBe(true);

    const status = await vigie(file, 'captures');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('capture rows: captured 1');
    expect(status.stdout).toMatch(
      new RegExp(`alice\\s+${ids[0]}\\s+captured\\s+page\\s+200\\s+\\S+Z\\s+captures/alice/${ids[0]}`),
    );
  }, 180_000);
});
