import { afterEach, describe, expect, it } from 'vitest';
import { postViewToRaw } from '../../../src/sources/bluesky/bluesky-adapter.ts';
import { startFakeBluesky, type FakeBluesky, type FakePost } from '../../fakes/bluesky.ts';
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

let fake: FakeBluesky;
let store: TestStore;

afterEach(async () => {
  store?.close();
  await fake?.close();
});

const start = () => startFakeBluesky({ identifier: 'watcher.bsky.social', password: 'app-pass-word-1234' });
const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString();
const spec = (p: FakePost) => specOf(postViewToRaw(p));

describe('deletion watch: Bluesky (getPosts on the public AppView)', () => {
  it('records a post absent from getPosts as deleted once, with what getProfile says of its author', async () => {
    fake = await start();
    const posts = ['kept', 'deleted', 'deactivated', 'takedown', 'gone-account'].map((name, i) =>
      fake.addPost({ text: `post ${name} @alice`, handle: `${name}.bsky.social`, indexedAt: at(i) }),
    );
    store = await makeStore();
    const { ids, archives } = await storeArchived(store, posts.map(spec));
    const [kept, deleted, deactivated, takedown, goneAccount] = posts as [
      FakePost,
      FakePost,
      FakePost,
      FakePost,
      FakePost,
    ];
    fake.deletePost(deleted.uri);
    fake.setAccountStatus(deactivated.author.did, 'deactivated');
    fake.setAccountStatus(takedown.author.did, 'takendown');
    fake.setAccountStatus(goneAccount.author.did, 'deleted');
    const run = deletionRunner(store, archives, { blueskyAppViewUrl: fake.url });

    expect(await run()).toEqual({ checked: 5, deleted: 4, unclear: 0 });
    expect(await watchState(archives, ids)).toEqual([
      { deleted: false, checked: true },
      { deleted: true, checked: true },
      { deleted: true, checked: true },
      { deleted: true, checked: true },
      { deleted: true, checked: true },
    ]);
    expect(await Promise.all(ids.map((id) => deletionEvents(store, id)))).toEqual([
      [],
      [{ how: 'bluesky-getposts', detail: "absent from getPosts (the author's account is active)" }],
      [{ how: 'bluesky-getposts', detail: "absent from getPosts (the author's account is deactivated)" }],
      [
        {
          how: 'bluesky-getposts',
          detail: "absent from getPosts (the author's account is taken down by the service)",
        },
      ],
      [
        {
          how: 'bluesky-getposts',
          detail: "absent from getPosts (the author's account does not exist any more)",
        },
      ],
    ]);
    // One getPosts call for the five URIs, without a session (a viewer's blocks would hide posts).
    const calls = fake.calls('app.bsky.feed.getPosts');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.getAll('uris')).toEqual(posts.map((p) => p.uri));
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(fake.calls('com.atproto.server.createSession')).toHaveLength(0);

    // Next run: only the post still online is asked about; nothing is recorded twice.
    expect(await run()).toEqual({ checked: 1, deleted: 0, unclear: 0 });
    expect(fake.calls('app.bsky.feed.getPosts')[1]!.query.getAll('uris')).toEqual([kept.uri]);
    expect(await recordedDeletions(store)).toEqual({ count: 4, chained: true });
  });

  it('asks getPosts 25 URIs at a time', async () => {
    fake = await start();
    const posts = Array.from({ length: 30 }, (_, i) =>
      fake.addPost({ text: `post ${i}`, handle: `troll${i}.bsky.social`, indexedAt: at(i) }),
    );
    store = await makeStore();
    const { ids, archives } = await storeArchived(store, posts.map(spec));
    fake.deletePost(posts[2]!.uri);
    fake.deletePost(posts[27]!.uri);

    const summary = await deletionRunner(store, archives, { blueskyAppViewUrl: fake.url })();
    expect(summary).toEqual({ checked: 30, deleted: 2, unclear: 0 });
    const calls = fake.calls('app.bsky.feed.getPosts');
    expect(calls.map((c) => c.query.getAll('uris').length)).toEqual([25, 5]);
    expect(calls.flatMap((c) => c.query.getAll('uris')).sort()).toEqual(posts.map((p) => p.uri).sort());
    const deleted = (await watchState(archives, ids)).flatMap((s, i) => (s.deleted ? [i] : []));
    expect(deleted).toEqual([2, 27]);
  });

  it('leaves every post for the next run on a 500 or a 429, and logs the rate limit without post text', async () => {
    fake = await start();
    const kept = fake.addPost({ text: 'still online, secret words', indexedAt: at(1) });
    const gone = fake.addPost({ text: 'deleted later, secret words', indexedAt: at(2) });
    store = await makeStore();
    const { ids, archives } = await storeArchived(store, [spec(kept), spec(gone)]);
    fake.deletePost(gone.uri);
    const memory = memoryLogger();
    const run = deletionRunner(store, archives, { blueskyAppViewUrl: fake.url, log: memory.log });
    const untouched = [
      { deleted: false, checked: false },
      { deleted: false, checked: false },
    ];

    fake.inject({
      status: 500,
      pathPrefix: '/xrpc/app.bsky.feed.getPosts',
      body: { error: 'InternalServerError' },
    });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);

    fake.inject({
      status: 429,
      pathPrefix: '/xrpc/app.bsky.feed.getPosts',
      headers: { 'retry-after': '120', 'ratelimit-remaining': '0' },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);
    expect((await recordedDeletions(store)).count).toBe(0);
    const warned = memory.entries().filter((e) => e.level === 40);
    expect(warned.some((e) => /rate limit/.test(e.msg) && e.platform === 'bluesky')).toBe(true);
    expect(memory.lines.join('')).not.toContain('secret words');

    // Retried on the next run; getProfile failing only leaves the detail bare.
    fake.inject({ status: 502, pathPrefix: '/xrpc/app.bsky.actor.getProfile', body: 'Bad Gateway' });
    expect(await run()).toEqual({ checked: 2, deleted: 1, unclear: 0 });
    expect(await deletionEvents(store, ids[1]!)).toEqual([
      { how: 'bluesky-getposts', detail: 'absent from getPosts' },
    ]);
    expect((await watchState(archives, ids))[0]).toEqual({ deleted: false, checked: true });
  });
});
