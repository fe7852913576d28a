import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { openDb, closeDb } from '../../src/db/client.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { createArchiver } from '../../src/evidence/archiver.ts';
import { createWaybackClient } from '../../src/evidence/wayback.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { startFakeWayback, type FakeWayback, type Scenario } from '../fakes/wayback.ts';
import { makeStore, storePosts, type TestStore } from './helpers.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';

let fake: FakeWayback;
let store: TestStore;
const WINDOW = 400;

function waybackConfig(over: Record<string, unknown> = {}) {
  return {
    archive: {
      wayback: {
        baseUrl: fake.url,
        availabilityUrl: fake.availabilityUrl,
        accessKey: 'ak-test',
        secretKey: 'sk-test',
        ratePerMinute: 3,
        rateWindowMs: WINDOW,
        statusPollMs: 20,
        pendingTimeoutMs: 1000,
        timeoutMs: 300,
        retryDelayMs: 0,
        maxAttempts: 3,
        ...over,
      },
    },
  };
}

/** An archiver as a process would build it, over this connection (another process: another one). */
function archiverFor(s: TestStore) {
  return createArchiver({
    config: s.config,
    log: s.log,
    watches: createWatchesRepo(s.store),
    archives: createArchiveRepo(s.store, createLedger(s.store)),
    wayback: createWaybackClient(s.config.archive.wayback),
  });
}

/** The watch of makeStore(), for a child process's configuration. */
const WATCHES = [{ id: 'alice', names: ['Alice Martin'], feeds: ['http://127.0.0.1:9/feed.xml'] }];

function runChild(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

beforeEach(async () => {
  fake = await startFakeWayback();
});

afterEach(async () => {
  store?.close();
  await fake.close();
});

async function setup(scenarios: Record<string, Scenario>, over: Record<string, unknown> = {}) {
  store = await makeStore(waybackConfig(over));
  const ids = await storePosts(
    store,
    Object.keys(scenarios).map((id) => ({ externalId: id })),
  );
  for (const id of Object.keys(scenarios)) fake.setScenario(`https://example.org/p/${id}`, scenarios[id]!);
  return {
    ids,
    archives: createArchiveRepo(store.store, store.ledger),
    ledger: store.ledger,
    archiver: archiverFor(store),
  };
}

describe('archive(): Save Page Now 2 outcomes end in the right stored state', () => {
  it('stores the capture URL and timestamp on success, with an `archived` ledger event and our keys', async () => {
    const { ids, archives, ledger, archiver } = await setup({ a: { kind: 'success' } });
    const summary = await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    expect(summary).toMatchObject({ enrolled: 1, archived: 1, remaining: 0 });
    const row = (await archives.get(ids[0]!))!;
    expect(row.status).toBe('archived');
    expect(row.captureTimestamp).toBe('20261126120000');
    expect(row.captureUrl).toBe(`${fake.url}/web/20261126120000/https://example.org/p/a`);
    expect(fake.submissions[0]!.authorization).toBe('LOW ak-test:sk-test');
    const events = (await ledger.eventsForPost(ids[0]!)).map((e) => e.type);
    expect(events).toEqual(['captured', 'scored', 'archived']);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('polls a pending capture until it succeeds', async () => {
    const { ids, archives, archiver } = await setup({ a: { kind: 'pending-then-success', pendingPolls: 3 } });
    await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    expect((await archives.get(ids[0]!))!.status).toBe('archived');
    expect(fake.statusRequests).toBe(4);
    expect(fake.submissions).toHaveLength(1);
  });

  it.each([
    ['HTTP 429', { kind: '429', times: 1, retryAfterSeconds: 0 } as Scenario, 'http-429'],
    ['user-session-limit', { kind: 'user-session-limit', times: 1 } as Scenario, 'user-session-limit'],
  ])('slows down on %s, without counting an attempt, and succeeds later', async (_name, scenario, ext) => {
    const { ids, archives, archiver } = await setup({ a: scenario });
    await archiver.run({ watchId: 'alice', waitMs: 0 });
    const after = (await archives.get(ids[0]!))!;
    expect(after).toMatchObject({ status: 'pending', statusExt: ext, attempts: 0 });
    expect(after.lastError).toContain('slow down');
    await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    expect((await archives.get(ids[0]!))!.status).toBe('archived');
    expect(fake.submissions).toHaveLength(2);
  });

  it('retries an error answered with HTTP 200, then gives up after maxAttempts with an archive_failed event', async () => {
    const { ids, archives, ledger, archiver } = await setup({
      a: { kind: 'error-200', statusExt: 'cannot-fetch' },
      b: { kind: 'error-200', statusExt: 'cannot-fetch', times: 1 },
    });
    await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    const a = (await archives.get(ids[0]!))!;
    expect(a).toMatchObject({ status: 'failed', statusExt: 'cannot-fetch', attempts: 3 });
    expect((await archives.get(ids[1]!))!.status).toBe('archived');
    const failed = (await ledger.eventsForPost(ids[0]!)).find((e) => e.type === 'archive_failed')!;
    expect(JSON.parse(failed.data)).toMatchObject({ status: 'failed', statusExt: 'cannot-fetch' });
  });

  it('keeps the existing capture found by the availability API after too-many-daily-captures', async () => {
    const { ids, archives, ledger, archiver } = await setup({
      a: { kind: 'too-many-daily-captures', snapshotTimestamp: '20261126080000' },
      b: { kind: 'too-many-daily-captures' },
    });
    await archiver.run({ watchId: 'alice', waitMs: 0 });
    expect(await archives.get(ids[0]!)).toMatchObject({
      status: 'archived',
      captureTimestamp: '20261126080000',
      captureUrl: 'http://web.archive.org/web/20261126080000/https://example.org/p/a',
      statusExt: 'too-many-daily-captures',
    });
    expect(JSON.parse((await ledger.eventsForPost(ids[0]!)).at(-1)!.data)).toMatchObject({
      via: 'availability',
    });
    // Nothing to keep: tried again later.
    expect(await archives.get(ids[1]!)).toMatchObject({
      status: 'pending',
      statusExt: 'too-many-daily-captures',
    });
  });

  it('records blocked, not-found and no-access as final, and never submits them again', async () => {
    const { ids, archives, archiver } = await setup({
      a: { kind: 'job-error', statusExt: 'blocked' },
      b: { kind: 'job-error', statusExt: 'not-found' },
      c: { kind: 'error-200', statusExt: 'no-access' },
    });
    await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    expect(await Promise.all(ids.map(async (id) => (await archives.get(id))!.status))).toEqual([
      'blocked',
      'not_found',
      'no_access',
    ]);
    const before = fake.submissions.length;
    const again = await archiver.run({ watchId: 'alice', waitMs: 200 });
    expect(again.submitted).toBe(0);
    expect(fake.submissions.length).toBe(before);
  });

  it('retries later when the Wayback Machine hangs', async () => {
    const { ids, archives, archiver } = await setup({ a: { kind: 'hang' } }, { retryDelayMs: 60_000 });
    await archiver.run({ watchId: 'alice', waitMs: 0 });
    const row = (await archives.get(ids[0]!))!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/no answer within 300 ms/);
    expect(row.nextAttemptAt).toBeGreaterThan(Date.now() + 30_000);
  });

  it('submits again a capture pending for longer than pendingTimeoutMs', async () => {
    const { ids, archives, archiver } = await setup(
      { a: { kind: 'pending-forever' } },
      { retryDelayMs: 60_000 },
    );
    await archiver.run({ watchId: 'alice', waitMs: 5_000 });
    const row = (await archives.get(ids[0]!))!;
    expect(row.status).toBe('pending');
    expect(row.lastError).toMatch(/still pending/);
  });

  it('archives by hand a post below the threshold when a proxy flags it', async () => {
    store = await makeStore(waybackConfig());
    const [low] = await storePosts(store, [{ externalId: 'low', level: 'low' }]);
    const archives = createArchiveRepo(store.store, store.ledger);
    const archiver = archiverFor(store);
    expect((await archiver.run({ watchId: 'alice' })).enrolled).toBe(0);
    expect(await archives.flagForArchive(low!, 'proxy:bob')).toBe(true);
    await archiver.run({ watchId: 'alice', waitMs: 15_000 });
    expect((await archives.archiveStatus([low!])).get(low!)).toMatchObject({
      status: 'archived',
      requestedBy: 'proxy:bob',
    });
    expect((await createLedger(store.store).eventsForPost(low!)).at(-1)).toMatchObject({
      type: 'archived',
      actor: 'proxy:bob',
    });
  });

  it('uses the watch archiveMinLevel over archive.minLevel', async () => {
    store = await makeStore({
      ...waybackConfig(),
      watches: [{ id: 'alice', names: ['Alice'], archiveMinLevel: 'high' }],
    });
    await storePosts(store, [
      { externalId: 'm', level: 'medium' },
      { externalId: 'h', level: 'high' },
    ]);
    expect((await archiverFor(store).run({ watchId: 'alice' })).enrolled).toBe(1);
  });
});

describe('archive(): the global rate and restarts', () => {
  it('never exceeds the rate, even with two processes working at once', async () => {
    store = await makeStore(waybackConfig());
    const ids = await storePosts(
      store,
      Array.from({ length: 10 }, (_, i) => ({ externalId: `r${i}` })),
    );
    // The second worker is a process of its own, with its own connection to the file.
    const [code] = await Promise.all([
      runChild([
        'bin/run-ts.js',
        'test/evidence/archive-child.ts',
        store.file,
        JSON.stringify({
          dataDir: store.dir,
          watches: WATCHES,
          network: { allowPrivateAddresses: true },
          ...waybackConfig(),
        }),
        '30000',
      ]),
      archiverFor(store).run({ watchId: 'alice', waitMs: 30_000 }),
    ]);
    expect(code).toBe(0);
    expect(fake.submissions).toHaveLength(10);
    expect(new Set(fake.submissions.map((s) => s.url)).size).toBe(10);
    expect(fake.maxInWindow(WINDOW)).toBeLessThanOrEqual(3);
    expect(fake.maxInWindow(WINDOW)).toBeGreaterThanOrEqual(2);
    const statuses = [
      ...(await createArchiveRepo(store.store, store.ledger).archiveStatus(ids)).values(),
    ].map((r) => r.status);
    expect(statuses.every((s) => s === 'archived')).toBe(true);
  }, 60_000);

  it('loses nothing when the process dies between submission and status: the next one polls the job', async () => {
    store = await makeStore(waybackConfig());
    const [id] = await storePosts(store, [{ externalId: 'crash' }]);
    fake.setScenario('https://example.org/p/crash', { kind: 'pending-then-success', pendingPolls: 1 });
    await archiverFor(store).run({ watchId: 'alice', waitMs: 0 });
    expect(await createArchiveRepo(store.store, store.ledger).get(id!)).toMatchObject({
      status: 'submitted',
      jobId: 'spn2-00000001',
    });
    closeDb(store.db);
    // A fresh process: new connection, new repositories, nothing in memory.
    store.db = openDb(store.file);
    store.store = createSqliteStore(store.db);
    store.ledger = createLedger(store.store);
    const summary = await archiverFor(store).run({ waitMs: 15_000 });
    expect(summary.archived).toBe(1);
    expect(fake.submissions).toHaveLength(1);
    expect((await createArchiveRepo(store.store, store.ledger).get(id!))!.status).toBe('archived');
  });
});
