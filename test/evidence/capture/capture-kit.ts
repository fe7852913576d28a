import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCaptureRepo, type CaptureRepo } from '../../../src/evidence/capture/capture-repo.ts';
import { createCaptureHost, type CaptureHost } from '../../../src/evidence/capture/capture-host.ts';
import { createCapturer, type Capturer } from '../../../src/evidence/capture/capturer.ts';
import { makeStore, type TestStore } from '../helpers.ts';

// A store, the capture repository and a capturer on a given capture host (tests share one
// capture process and its Chromium per file: launching is the slow part).

export interface CaptureKit {
  store: TestStore;
  captures: CaptureRepo;
  capturer: Capturer;
  /** The collection log (`page_captured` data) of a post. */
  collectionLog(postId: number): Promise<
    Record<string, unknown> & {
      files: { name: string; sha256: string; size: number }[];
    }
  >;
  file(postId: number, name: string): Promise<Buffer>;
}

export async function captureKit(
  browser: CaptureHost,
  capture: Record<string, unknown> = {},
  raw: Record<string, unknown> = {},
): Promise<CaptureKit> {
  const store = await makeStore({
    capture: { navigationTimeoutMs: 10_000, captureTimeoutMs: 30_000, ...capture },
    ...raw,
  });
  const captures = createCaptureRepo(store.store, store.ledger);
  const capturer = createCapturer({
    config: store.config,
    log: store.log,
    watches: store.watches,
    captures,
    browser,
  });
  return {
    store,
    captures,
    capturer,
    async collectionLog(postId) {
      const row = (await store.ledger.eventsForPost(postId)).find((e) => e.type === 'page_captured');
      if (!row) throw new Error(`no page_captured event for post ${postId}`);
      return JSON.parse(row.data) as Awaited<ReturnType<CaptureKit['collectionLog']>>;
    },
    async file(postId, name) {
      const row = await captures.get(postId);
      if (!row?.dir) throw new Error(`post ${postId} has no capture`);
      return readFileSync(path.join(store.config.dataDir, row.dir, name));
    },
  };
}

export const sharedBrowser = () => createCaptureHost({ executablePath: '/usr/bin/chromium' });
