import { afterEach, describe, expect, it } from 'vitest';
import { thingToRaw } from '../../../src/sources/reddit/reddit-adapter.ts';
import { startFakeReddit, type FakeReddit } from '../../fakes/reddit.ts';
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

const SECRET = 'reddit-deletion-secret-42';
const UA = 'server:vigie-deletion-test:0.1';
const T0 = 1_790_000_000;
let fake: FakeReddit;
let store: TestStore;

afterEach(async () => {
  store?.close();
  await fake?.close();
});

const start = () => startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
const storeFor = async (f: FakeReddit) =>
  await makeStore({
    sources: {
      reddit: { clientId: 'cid', clientSecret: SECRET, userAgent: UA, authUrl: f.url, apiUrl: f.url },
    },
  });
const infoCalls = (f: FakeReddit) => f.requests.filter((r) => r.path === '/api/info');
const spec = (thing: unknown) => specOf(thingToRaw(thing));

describe('deletion watch: Reddit (/api/info)', () => {
  it('tells deleted by the author, removed by moderators or by Reddit, and absent; once each', async () => {
    fake = await start();
    const link = (title: string, selftext = 'some text') =>
      fake.addLink({ title, selftext, created_utc: T0 });
    const kept = link('kept');
    const selfDeleted = link('deleted by its author');
    const modRemoved = link('removed by the moderators');
    const adminRemoved = link('removed by Reddit');
    const held = link('held by AutoModerator');
    const purged = link('gone from the listing');
    const accountGone = link('author deleted their account, post stays');
    const linkPost = fake.addLink({ title: 'a link post deleted by its author', created_utc: T0 });
    const c1 = fake.addComment({ body: 'comment deleted', link: kept, created_utc: T0 + 1 });
    const c2 = fake.addComment({ body: 'comment removed', link: kept, created_utc: T0 + 2 });
    const c3 = fake.addComment({ body: 'comment kept', link: kept, created_utc: T0 + 3 });
    const things = [
      kept,
      selfDeleted,
      modRemoved,
      adminRemoved,
      held,
      purged,
      accountGone,
      linkPost,
      c1,
      c2,
      c3,
    ];
    store = await storeFor(fake);
    const { ids, archives } = await storeArchived(store, things.map(spec));
    fake.deleteByAuthor(selfDeleted.data.name);
    fake.remove(modRemoved.data.name);
    fake.remove(adminRemoved.data.name, 'anti_evil_ops');
    fake.remove(held.data.name, 'automod_filtered');
    fake.purge(purged.data.name);
    accountGone.data.author = '[deleted]';
    fake.deleteByAuthor(linkPost.data.name);
    fake.deleteByAuthor(c1.data.name);
    fake.remove(c2.data.name);
    const run = deletionRunner(store, archives);

    expect(await run()).toEqual({ checked: 10, deleted: 7, unclear: 1 });
    const details = await Promise.all(
      ids.map(async (id) => (await deletionEvents(store, id)).map((e) => `${e.how}: ${e.detail}`)),
    );
    expect(details).toEqual([
      [],
      ['reddit-info: deleted by its author (removed_by_category: deleted)'],
      ["reddit-info: removed by the subreddit's moderators (removed_by_category: moderator)"],
      ['reddit-info: removed by Reddit (removed_by_category: anti_evil_ops)'],
      [],
      ['reddit-info: absent from /api/info (deleted, or its subreddit went private or was banned)'],
      [],
      ['reddit-info: deleted by its author (removed_by_category: deleted)'],
      ['reddit-info: deleted by its author (author and text "[deleted]")'],
      ['reddit-info: removed by moderators (author "[deleted]", text "[removed]")'],
      [],
    ]);
    // Held for review is not a removal yet: unclear, not marked checked.
    expect((await watchState(archives, ids))[4]).toEqual({ deleted: false, checked: false });
    expect((await watchState(archives, ids))[6]).toEqual({ deleted: false, checked: true });

    // One call, with the app token and the configured User-Agent, for every fullname.
    const calls = infoCalls(fake);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.get('id')!.split(',')).toEqual(things.map((t) => t.data.name));
    expect(calls[0]!.headers.authorization).toMatch(/^bearer tok-\d+$/);
    expect(calls[0]!.headers['user-agent']).toBe(UA);

    expect(await run()).toEqual({ checked: 3, deleted: 0, unclear: 1 });
    expect(infoCalls(fake)[1]!.query.get('id')!.split(',').sort()).toEqual(
      [held, kept, accountGone, c3].map((t) => t.data.name).sort(),
    );
    expect(await recordedDeletions(store)).toEqual({ count: 7, chained: true });
  });

  it('asks 100 fullnames at a time, and stops when the rate counter is spent', async () => {
    fake = await start();
    const links = Array.from({ length: 150 }, (_, i) =>
      fake.addLink({ title: `post ${i}`, created_utc: T0 + i }),
    );
    store = await storeFor(fake);
    const { ids, archives } = await storeArchived(store, links.map(spec));
    fake.deleteByAuthor(links[5]!.data.name);
    fake.deleteByAuthor(links[140]!.data.name);
    const run = deletionRunner(store, archives);

    fake.rate.remaining = 0;
    expect(await run()).toEqual({ checked: 100, deleted: 1, unclear: 50 });
    expect(infoCalls(fake).map((c) => c.query.get('id')!.split(',').length)).toEqual([100]);

    fake.rate.remaining = 500;
    expect(await run()).toEqual({ checked: 149, deleted: 1, unclear: 0 });
    const sizes = infoCalls(fake)
      .slice(1)
      .map((c) => c.query.get('id')!.split(',').length);
    expect(sizes).toEqual([100, 49]);
    const deleted = (await watchState(archives, ids)).flatMap((s, i) => (s.deleted ? [i] : []));
    expect(deleted).toEqual([5, 140]);
  });

  it('leaves things for the next run on a 500, a 429 or without credentials', async () => {
    fake = await start();
    const gone = fake.addLink({ title: 'secret words', selftext: 'more secret words', created_utc: T0 });
    const kept = fake.addLink({ title: 'kept', created_utc: T0 + 1 });
    store = await storeFor(fake);
    const memory = memoryLogger();
    const { ids, archives } = await storeArchived(store, [spec(gone), spec(kept)]);
    fake.remove(gone.data.name);
    const run = deletionRunner(store, archives, { log: memory.log });
    const untouched = [
      { deleted: false, checked: false },
      { deleted: false, checked: false },
    ];

    fake.inject({
      status: 500,
      pathPrefix: '/api/info',
      body: { message: 'Internal Server Error', error: 500 },
    });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);

    fake.inject({
      status: 429,
      pathPrefix: '/api/info',
      headers: { 'retry-after': '600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '600' },
      body: { message: 'Too Many Requests', error: 429 },
    });
    expect(await run()).toEqual({ checked: 0, deleted: 0, unclear: 2 });
    expect(await watchState(archives, ids)).toEqual(untouched);
    expect(
      memory.entries().some((e) => e.level === 40 && e.platform === 'reddit' && /rate limit/.test(e.msg)),
    ).toBe(true);
    expect(memory.lines.join('')).not.toContain('secret words');
    expect(memory.lines.join('')).not.toContain(SECRET);

    const before = fake.requests.length;
    const { clientId: _id, clientSecret: _secret, ...withoutCredentials } = store.config.sources.reddit;
    const unconfigured = {
      ...store.config,
      sources: { ...store.config.sources, reddit: withoutCredentials },
    };
    expect(await deletionRunner(store, archives, { config: unconfigured })()).toEqual({
      checked: 0,
      deleted: 0,
      unclear: 2,
    });
    expect(fake.requests.length).toBe(before);
    expect((await recordedDeletions(store)).count).toBe(0);

    expect(await run()).toEqual({ checked: 2, deleted: 1, unclear: 0 });
    expect(await deletionEvents(store, ids[0]!)).toEqual([
      {
        how: 'reddit-info',
        detail: "removed by the subreddit's moderators (removed_by_category: moderator)",
      },
    ]);
  });
});
