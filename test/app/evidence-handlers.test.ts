import { afterEach, describe, expect, it } from 'vitest';
import { evidenceHandlers, evidenceSchedules } from '../../src/app/handlers.ts';
import { createArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { createArchiver } from '../../src/evidence/archiver.ts';
import { createWaybackClient } from '../../src/evidence/wayback.ts';
import { evidencePort } from '../../src/evidence/evidence-port.ts';
import { RetryLaterError } from '../../src/jobs/types.ts';
import { startFakeWayback, type FakeWayback } from '../fakes/wayback.ts';
import { makeStore, storePosts, type TestStore } from '../evidence/helpers.ts';

let fake: FakeWayback;
let store: TestStore;
afterEach(async () => {
  store?.close();
  await fake?.close();
});

describe('evidence job handlers', () => {
  it('`archive` defers itself while captures are pending, and finishes the work on a later run', async () => {
    fake = await startFakeWayback();
    store = await makeStore({
      archive: { wayback: { baseUrl: fake.url, availabilityUrl: fake.availabilityUrl, statusPollMs: 20 } },
    });
    const [id] = await storePosts(store, [{ externalId: 'a' }]);
    fake.setScenario('https://example.org/p/a', { kind: 'pending-then-success', pendingPolls: 1 });
    const archives = createArchiveRepo(store.store, store.ledger);
    const handlers = evidenceHandlers(
      evidencePort({
        config: store.config,
        log: store.log,
        posts: store.posts,
        ledger: store.ledger,
        archives,
        archiver: createArchiver({
          config: store.config,
          log: store.log,
          watches: store.watches,
          archives,
          wayback: createWaybackClient(store.config.archive.wayback, store.config.sources.feeds.userAgent),
        }),
      }),
    );
    const ctx = { log: store.log, signal: new AbortController().signal, attempt: 1 };
    let deferred = 0;
    for (let i = 0; i < 20 && (await archives.get(id!))?.status !== 'archived'; i++) {
      try {
        await handlers.archive!({ watchId: 'alice' }, ctx);
      } catch (err) {
        expect(err).toBeInstanceOf(RetryLaterError);
        deferred++;
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    expect(deferred).toBeGreaterThan(0);
    expect((await archives.get(id!))!.status).toBe('archived');
    // Nothing left: the job ends normally.
    await expect(handlers.archive!({ watchId: 'alice' }, ctx)).resolves.toBeUndefined();
  });

  it('schedules the archive sweep and the deletion check from the configuration', async () => {
    store = await makeStore({ archive: { deletionCheck: { schedule: '5 3 * * *' } } });
    expect(evidenceSchedules(store.config)).toEqual([
      { id: 'archive:sweep', pattern: '*/5 * * * *', kind: 'archive', payload: {} },
      { id: 'deletion-check', pattern: '5 3 * * *', kind: 'deletion-check', payload: {} },
    ]);
  });
});
