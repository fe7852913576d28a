import { afterEach, describe, expect, it } from 'vitest';
import { statusToRaw } from '../../../src/sources/mastodon/mastodon-adapter.ts';
import { startFakeMastodon, type FakeMastodon, type FakeStatus } from '../../fakes/mastodon.ts';
import { makeStore, type TestStore } from '../../evidence/helpers.ts';
import {
  deletionEvents,
  deletionRunner,
  recordedDeletions,
  memoryLogger,
  specOf,
  storeArchived,
  watchState,
} from '../../evidence/deletion-helpers.ts';

const TOKEN = 'mastodon-user-token';
let polled: FakeMastodon;
let home: FakeMastodon | undefined;
let store: TestStore;

afterEach(async () => {
  store?.close();
  await polled?.close();
  await home?.close();
  home = undefined;
});

const hostOf = (f: FakeMastodon) => new URL(f.url).host;
/** A status as the Mastodon source stores it when it polled `f`. */
const spec = (f: FakeMastodon, s: FakeStatus) => specOf(statusToRaw(s, hostOf(f)));
const storeFor = async (f: FakeMastodon) => makeStore({ sources: { mastodon: { instance: f.url } } });
const statusCalls = (f: FakeMastodon) =>
  f.requests.filter((r) => r.path.startsWith('/api/v1/statuses/')).map((r) => r.path.split('/').pop());

describe('deletion watch: Mastodon (GET /api/v1/statuses/:id)', () => {
  it('records a local status answering 404 as deleted once, when its author is still active', async () => {
    polled = await startFakeMastodon({ token: TOKEN });
    const kept = polled.addStatus({ content: '<p>kept</p>', acct: 'troll_a' });
    const gone = polled.addStatus({ content: '<p>deleted</p>', acct: 'troll_b' });
    const suspended = polled.addStatus({ content: '<p>author suspended</p>', acct: 'troll_c' });
    const followersOnly = polled.addStatus({
      content: '<p>private</p>',
      acct: 'troll_d',
      visibility: 'private',
    });
    store = await storeFor(polled);
    const { ids, archives } = await storeArchived(
      store,
      [kept, gone, suspended, followersOnly].map((s) => spec(polled, s)),
    );
    polled.deleteStatus(gone.id);
    polled.suspendAccount('troll_c');
    const run = deletionRunner(store, archives);

    expect(await run()).toEqual({ checked: 2, deleted: 1, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual([
      { deleted: false, checked: true },
      { deleted: true, checked: true },
      { deleted: false, checked: false },
      { deleted: false, checked: false },
    ]);
    expect(await deletionEvents(store, ids[1]!)).toEqual([
      {
        how: 'mastodon-status',
        detail: `status ${gone.id} answers 404 on ${hostOf(polled)}; its author's account is active`,
      },
    ]);
    // Asked anonymously by the polled instance's ids; the followers-only status is not asked.
    expect(statusCalls(polled)).toEqual([kept.id, gone.id, suspended.id]);
    expect(polled.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(polled.requests.map((r) => r.path)).toContain(`/api/v1/accounts/${gone.account.id}`);

    expect(await run()).toEqual({ checked: 1, deleted: 0, unclear: 2 });
    expect(await recordedDeletions(store)).toEqual({ count: 1, chained: true });
  });

  it("asks a remote status's home server before calling it deleted", async () => {
    home = await startFakeMastodon({ token: TOKEN });
    polled = await startFakeMastodon({ token: TOKEN });
    for (let i = 0; i < 3; i++) polled.addStatus({ content: '<p>local filler</p>' }); // local ids ≠ home ids
    const purged = home.addStatus({ content: '<p>copy purged</p>', acct: 'remote_a' });
    const gone = home.addStatus({ content: '<p>deleted at home</p>', acct: 'remote_b' });
    const suspended = home.addStatus({ content: '<p>suspended at home</p>', acct: 'remote_c' });
    const copies = [purged, gone, suspended].map((s) => polled.federate(s, hostOf(home!)));
    store = await storeFor(polled);
    const { ids, archives } = await storeArchived(
      store,
      copies.map((c) => spec(polled, c)),
    );
    for (const c of copies) polled.deleteStatus(c.id); // the polled instance no longer has them
    home.deleteStatus(gone.id);
    home.suspendAccount('remote_c');

    expect(await deletionRunner(store, archives)()).toEqual({ checked: 2, deleted: 1, unclear: 1 });
    expect(await watchState(archives, ids)).toEqual([
      { deleted: false, checked: true },
      { deleted: true, checked: true },
      { deleted: false, checked: false },
    ]);
    expect(await deletionEvents(store, ids[1]!)).toEqual([
      {
        how: 'mastodon-status',
        detail: `status answers 404 on ${hostOf(polled)} and on its home server ${hostOf(home)} (id ${gone.id}); its author's account is active`,
      },
    ]);
    // The polled instance by its local ids, the home server by the ids of the status URIs.
    expect(statusCalls(polled)).toEqual(copies.map((c) => c.id));
    expect(statusCalls(home)).toEqual([purged.id, gone.id, suspended.id]);
    expect(copies.map((c) => c.id)).not.toContain(gone.id);
    expect(
      home.requests.some((r) => r.path === '/api/v1/accounts/lookup' && r.query.get('acct') === 'remote_b'),
    ).toBe(true);
  });

  it('never asks a home server on a private address (the URI is attacker-written); the configured instance still is', async () => {
    home = await startFakeMastodon({ token: TOKEN });
    polled = await startFakeMastodon({ token: TOKEN });
    const remote = home.addStatus({ content: '<p>deleted at home</p>', acct: 'remote_b' });
    const copy = polled.federate(remote, hostOf(home));
    store = await makeStore({
      sources: { mastodon: { instance: polled.url } },
      network: { allowPrivateAddresses: false },
    });
    const { ids, archives } = await storeArchived(store, [spec(polled, copy)]);
    polled.deleteStatus(copy.id);
    home.deleteStatus(remote.id);
    expect(await deletionRunner(store, archives)()).toEqual({ checked: 0, deleted: 0, unclear: 1 });
    expect(await watchState(archives, ids)).toEqual([{ deleted: false, checked: false }]);
    expect(statusCalls(polled)).toEqual([copy.id]);
    expect(home.requests).toEqual([]);
  });

  it('leaves statuses unclear on 500, 429, 401 and on an id answering another status; retried next run', async () => {
    polled = await startFakeMastodon({ token: TOKEN });
    const gone = polled.addStatus({ content: '<p>secret words, deleted</p>', acct: 'troll_a' });
    const kept = polled.addStatus({ content: '<p>secret words, kept</p>', acct: 'troll_b' });
    store = await storeFor(polled);
    const memory = memoryLogger();
    const { ids, archives } = await storeArchived(store, [spec(polled, gone), spec(polled, kept)]);
    polled.deleteStatus(gone.id);
    const run = deletionRunner(store, archives, { log: memory.log });
    const untouched = [
      { deleted: false, checked: false },
      { deleted: false, checked: false },
    ];

    polled.inject({ status: 500, pathPrefix: '/api/v1/statuses/', body: 'Internal Server Error' }, 2);
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);

    // A 429 stops the run for the instance: the second status is not asked at all.
    const asked = statusCalls(polled).length;
    polled.inject({
      status: 429,
      pathPrefix: '/api/v1/statuses/',
      headers: {
        'retry-after': '300',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
      },
      body: { error: 'Too many requests' },
    });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(statusCalls(polled).length).toBe(asked + 1);
    expect(await watchState(archives, ids)).toEqual(untouched);
    expect(
      memory.entries().some((e) => e.level === 40 && e.platform === 'mastodon' && /rate limit/.test(e.msg)),
    ).toBe(true);
    expect(memory.lines.join('')).not.toContain('secret words');

    polled.requireAuth = true;
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);
    polled.requireAuth = false;

    // Another instance configured since: the same ids there are other statuses (200 for another
    // `uri`), or a deleted one whose author, under the same account id, is someone else.
    const other = await startFakeMastodon({ token: TOKEN });
    try {
      const unrelated = other.addStatus({ content: '<p>unrelated</p>', acct: 'someone_else' });
      other.addStatus({ content: '<p>unrelated</p>', acct: 'someone_else' });
      other.deleteStatus(unrelated.id);
      expect([unrelated.id, unrelated.account.id]).toEqual([gone.id, gone.account.id]);
      const moved = {
        ...store.config,
        sources: {
          ...store.config.sources,
          mastodon: { ...store.config.sources.mastodon, instance: other.url },
        },
      };
      expect(await deletionRunner(store, archives, { config: moved })()).toEqual({
        checked: 0,
        deleted: 0,
        unclear: 2,
      });
      expect(statusCalls(other)).toEqual([gone.id, kept.id]);
      expect(other.requests.map((r) => r.path)).toContain(`/api/v1/accounts/${gone.account.id}`);
    } finally {
      await other.close();
    }
    expect((await recordedDeletions(store)).count).toBe(0);

    expect(await run()).toEqual({ checked: 2, deleted: 1, unclear: 0 });
    expect(await watchState(archives, ids)).toEqual([
      { deleted: true, checked: true },
      { deleted: false, checked: true },
    ]);
  });
});
