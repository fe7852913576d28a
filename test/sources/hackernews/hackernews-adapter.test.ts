import { afterEach, describe, expect, it } from 'vitest';
import {
  createHackernewsAdapter,
  HN_OVERLAP_SECONDS,
  HN_PAGINATION_LIMIT,
} from '../../../src/sources/hackernews/hackernews-adapter.ts';
import { RateLimitError, SourceError, type SourceAdapter } from '../../../src/sources/source.ts';
import { startFakeHackernews, type FakeHn } from '../../fakes/hackernews.ts';
import { pollAll, testDeps } from '../../helpers/deps.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from '../social-helpers.ts';

let fake: FakeHn;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
  await fake?.close();
});

const adapter = (over: Partial<typeof knobs> = {}) =>
  createHackernewsAdapter({ baseUrl: fake.url, ...knobs, ...over }, { backoffMs: 5 });
const T0 = 1_790_000_000;

/** `count` comments about Alice Martin, all posted in second `at`. */
function addSameSecond(count: number, at: number, label = 'same second'): void {
  for (let i = 0; i < count; i++)
    fake.add({ created_at_i: at, comment_text: `<p>Alice Martin, ${label} #${i}</p>`, author: `u${i % 7}` });
}

/** `count` comments about Alice Martin, one every `step` seconds from second `from`. */
function addSpaced(count: number, from: number, step: number): void {
  for (let i = 0; i < count; i++)
    fake.add({ created_at_i: from + i * step, comment_text: `Alice Martin #${i}` });
}

const pageOf = (r: FakeHn['requests'][number]) => Number(r.query.get('page') ?? '0');
const filtersOf = (r: FakeHn['requests'][number]) => r.query.get('numericFilters');
const STOPPED = 'stopped after 2 pages: older results will be read on the next polls';

/** Polls from `cursor`, each poll from the cursor the last one left, until it holds no backlog. */
async function pollUntilCaughtUp(a: SourceAdapter, cursor: string, beforePoll?: (n: number) => void) {
  const polls = [];
  for (let n = 1; n <= 20; n++) {
    beforePoll?.(n);
    const from = fake.requests.length;
    const { pages, error } = await collect(a, ctxFor('hackernews_search', 'alice martin', cursor));
    expect(error).toBeUndefined();
    cursor = finalPage(pages)!.cursor!;
    polls.push({
      ids: allPosts(pages).map((p) => p.externalId),
      pages,
      cursor,
      requests: fake.requests.slice(from),
    });
    if (!cursor.includes(';')) break;
  }
  return polls;
}

// Generous time-outs: these run real HTTP servers, and CI machines can be busy.
describe('hackernews adapter', { timeout: 30_000 }, () => {
  it('reads past the 1000-hit limit by narrowing the time window, and keeps the newest time as cursor', async () => {
    fake = await startFakeHackernews();
    for (let i = 0; i < 1500; i++)
      fake.add({
        created_at_i: T0 + i,
        comment_text: `<p>about Alice Martin &amp; co #${i}</p>`,
        author: `u${i}`,
      });
    fake.add({ created_at_i: T0 + 5, comment_text: 'unrelated' });
    const { pages, error } = await collect(
      adapter({ maxPages: 30 }),
      ctxFor('hackernews_search', 'alice martin'),
    );
    expect(error).toBeUndefined();
    const posts = allPosts(pages);
    expect(new Set(posts.map((p) => p.externalId)).size).toBe(1500);
    expect(finalPage(pages)?.cursor).toBe(String(T0 + 1499));
    expect(posts[0]!.text).toBe('about Alice Martin & co #1499');
    expect(posts[0]!.url).toMatch(/^https:\/\/news\.ycombinator\.com\/item\?id=\d+$/);
    expect(fake.requests.every((r) => Number(r.query.get('page') ?? '0') === 0)).toBe(true);
    expect(pages.slice(0, -1).every((p) => !p.final && p.cursor === undefined)).toBe(true);
  });

  it('asks only for items after the cursor (minus a margin for late indexing)', async () => {
    fake = await startFakeHackernews();
    fake.add({ created_at_i: T0 - 3600, title: 'Alice Martin old story', _tags: ['story'] });
    fake.add({ created_at_i: T0 + 3600, title: 'Alice Martin new story', _tags: ['story'] });
    const { pages } = await collect(adapter(), ctxFor('hackernews_search', 'alice martin', String(T0 + 10)));
    expect(allPosts(pages).map((p) => p.text)).toEqual(['Alice Martin new story']);
    expect(fake.requests[0]!.query.get('numericFilters')).toBe(
      `created_at_i>${T0 + 10 - HN_OVERLAP_SECONDS}`,
    );
    expect(fake.requests[0]!.query.get('tags')).toBe('(story,comment)');
    expect(finalPage(pages)?.cursor).toBe(String(T0 + 3600));
  });

  it('keeps the cursor when nothing matched', async () => {
    fake = await startFakeHackernews();
    const { pages } = await collect(adapter(), ctxFor('hackernews_search', 'nobody', String(T0)));
    expect(finalPage(pages)).toMatchObject({ posts: [], final: true, cursor: String(T0) });
  });

  it('retries a 503 and then succeeds', async () => {
    fake = await startFakeHackernews();
    fake.add({ created_at_i: T0, title: 'Alice Martin' });
    fake.inject({ status: 503, body: 'Service Unavailable' }, 2);
    const { pages, error } = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(error).toBeUndefined();
    expect(allPosts(pages)).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('fails retryably when the upstream keeps failing', async () => {
    fake = await startFakeHackernews();
    fake.inject({ status: 502, body: 'Bad Gateway' }, 5);
    const { error } = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it('turns a long 429 into a RateLimitError at the Retry-After time', async () => {
    fake = await startFakeHackernews();
    fake.inject({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { message: 'Too many requests', status: 429 },
    });
    const { error } = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('waits out a short 429 and goes on', async () => {
    fake = await startFakeHackernews();
    fake.add({ created_at_i: T0, title: 'Alice' });
    fake.inject({ status: 429, headers: { 'retry-after': '0' }, body: { message: 'Too many requests' } });
    const { pages, error } = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(error).toBeUndefined();
    expect(allPosts(pages)).toHaveLength(1);
  });

  it('records a malformed answer as a failure, and skips malformed items with a warning', async () => {
    fake = await startFakeHackernews();
    fake.inject({ status: 200, body: { nothing: true } });
    const bad = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(bad.error).toBeInstanceOf(SourceError);
    expect(String(bad.error)).toContain('malformed');
    fake.inject({
      status: 200,
      body: {
        hits: [{ objectID: 'x' }, { objectID: '5', created_at_i: T0, author: 'a', comment_text: 'hi' }],
      },
    });
    const partial = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(allPosts(partial.pages)).toHaveLength(1);
    expect(finalPage(partial.pages)?.warnings?.[0]).toContain('skipped');
  });

  it('refuses a bad request without retrying', async () => {
    fake = await startFakeHackernews();
    fake.inject({ status: 400, body: { message: 'invalid numericFilters', status: 400 } });
    const { error } = await collect(adapter(), ctxFor('hackernews_search', 'alice'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('hackernews adapter: crowded seconds', { timeout: 30_000 }, () => {
  it('reads all 250 items of one second through Algolia pages, each once, and goes on past it', async () => {
    fake = await startFakeHackernews();
    addSameSecond(30, T0 + 1, 'later');
    addSameSecond(250, T0);
    addSameSecond(20, T0 - 1, 'earlier');
    const { pages, error } = await collect(adapter(), ctxFor('hackernews_search', 'alice martin'));
    expect(error).toBeUndefined();
    const ids = allPosts(pages).map((p) => p.externalId);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect(new Set(ids)).toEqual(new Set(fake.hits.map((h) => h.objectID)));
    expect(finalPage(pages)?.cursor).toBe(String(T0 + 1));
    expect(finalPage(pages)?.warnings).toBeUndefined();
    const crowded = fake.requests.filter((r) => r.query.get('numericFilters') === `created_at_i=${T0}`);
    expect(crowded.map(pageOf)).toEqual([0, 1, 2]);
    expect(fake.requests.every((r) => Number(r.query.get('hitsPerPage')) <= 100)).toBe(true);
  });

  it('reads the first 1000 items of a second holding more, says how many were left, and reads older ones', async () => {
    fake = await startFakeHackernews();
    addSameSecond(1200, T0);
    addSameSecond(5, T0 - 60, 'older');
    const { pages, error } = await collect(
      adapter({ maxPages: 30 }),
      ctxFor('hackernews_search', 'alice martin'),
    );
    expect(error).toBeUndefined();
    const posts = allPosts(pages);
    expect(new Set(posts.map((p) => p.externalId)).size).toBe(posts.length);
    expect(posts.filter((p) => p.createdAt === T0 * 1000)).toHaveLength(HN_PAGINATION_LIMIT);
    expect(posts.filter((p) => p.createdAt === (T0 - 60) * 1000)).toHaveLength(5);
    expect(finalPage(pages)?.warnings).toEqual([
      `200 of the 1200 items of second ${T0} were not read: Algolia pages through at most 1000 hits of one query`,
    ]);
    expect(fake.requests.every((r) => pageOf(r) * Number(r.query.get('hitsPerPage')) < 1000)).toBe(true);
  });

  it('stops at maxPages inside a crowded second with a warning, keeping what it read', async () => {
    fake = await startFakeHackernews();
    addSameSecond(250, T0);
    const { pages, error } = await collect(
      adapter({ maxPages: 2 }),
      ctxFor('hackernews_search', 'alice martin'),
    );
    expect(error).toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    expect(allPosts(pages)).toHaveLength(100);
    expect(finalPage(pages)?.warnings).toEqual([
      'stopped after 2 pages: older results were not read (a first poll reads the newest only)',
    ]);
    expect(finalPage(pages)?.cursor).toBe(String(T0));
  });

  it('fails clearly when a page of a crowded second has no nbPages', async () => {
    fake = await startFakeHackernews();
    addSameSecond(150, T0);
    const full = fake.hits.slice(0, 100).map((h) => ({ ...h }));
    fake.inject({ status: 200, body: { hits: full, nbHits: 150, page: 0, nbPages: 2, hitsPerPage: 100 } });
    fake.inject({ status: 200, body: { hits: full } });
    const { error } = await collect(adapter(), ctxFor('hackernews_search', 'alice martin'));
    expect(error).toBeInstanceOf(SourceError);
    expect(String(error)).toMatch(/malformed answer .*second \d+ page 0: no nbHits or nbPages/);
  });
});

// A poll stopping at maxPages keeps the rest as a backlog in its cursor ("N;T;L[;P]"), read by
// the next polls after their new items, so that no item between two polls is skipped.
describe('hackernews adapter: backlog left at maxPages', { timeout: 30_000 }, () => {
  it('keeps a backlog from a legacy numeric cursor, and reads new items first, then the backlog', async () => {
    fake = await startFakeHackernews();
    addSpaced(250, T0 + 100, 10); // newest: T0 + 2590
    const [first, second] = await pollUntilCaughtUp(adapter({ maxPages: 2 }), String(T0), (n) => {
      if (n === 2) addSpaced(2, T0 + 3000, 1);
    });
    expect(first!.ids).toHaveLength(199); // page 2 starts with the oldest second of page 1
    expect(first!.cursor).toBe(`${T0 + 2590};${T0 + 610};${T0 - HN_OVERLAP_SECONDS}`);
    expect(finalPage(first!.pages)?.warnings).toEqual([STOPPED]);
    expect(second!.requests.map(filtersOf)).toEqual([
      `created_at_i>${T0 + 2590 - HN_OVERLAP_SECONDS}`,
      `created_at_i>${T0 - HN_OVERLAP_SECONDS},created_at_i<=${T0 + 610}`,
    ]);
    const newIds = fake.hits.slice(-2).map((h) => h.objectID);
    expect(second!.pages[0]!.posts.map((p) => p.externalId)).toEqual(expect.arrayContaining(newIds));
    expect(second!.cursor).toBe(String(T0 + 3001));
    expect(finalPage(second!.pages)?.warnings).toBeUndefined();
    expect(new Set([...first!.ids, ...second!.ids])).toEqual(new Set(fake.hits.map((h) => h.objectID)));
  });

  it('reads a crowded second of the backlog by pages over several polls, resuming at its next page', async () => {
    fake = await startFakeHackernews();
    addSameSecond(250, T0 + 100);
    addSpaced(120, T0 + 200, 10); // newest: T0 + 1390; the last 60 are re-read by every poll
    const [N, L] = [T0 + 1390, T0 - 1000 - HN_OVERLAP_SECONDS];
    const polls = await pollUntilCaughtUp(adapter({ maxPages: 2 }), String(T0 - 1000));
    expect(polls.map((p) => p.cursor)).toEqual([
      `${N};${T0 + 100};${L}`,
      `${N};${T0 + 100};${L};0`,
      `${N};${T0 + 100};${L};1`,
      `${N};${T0 + 100};${L};2`,
      `${N};${T0 + 99};${L}`,
      String(N),
    ]);
    expect(polls.every((p) => p.requests.length === 2)).toBe(true);
    const crowded = fake.requests.filter((r) => filtersOf(r) === `created_at_i=${T0 + 100}`);
    expect(crowded.map(pageOf)).toEqual([0, 1, 2]);
    expect(new Set(polls.flatMap((p) => p.ids))).toEqual(new Set(fake.hits.map((h) => h.objectID)));
    // The items of that second read by earlier polls count as read: no "were not read" warning.
    expect(polls.flatMap((p) => finalPage(p.pages)?.warnings ?? []).filter((w) => w !== STOPPED)).toEqual([]);
  });

  it('keeps the older backlog when new items fill a poll, and reads both later', async () => {
    fake = await startFakeHackernews();
    addSpaced(5, T0 - 1500, 1); // in the backlog, older than the margin behind the cursor
    addSpaced(250, T0 + 10, 10); // newest: T0 + 2500
    const polls = await pollUntilCaughtUp(adapter({ maxPages: 2 }), `${T0};${T0 - 50};${T0 - 2000}`);
    expect(polls.map((p) => p.cursor)).toEqual([`${T0 + 2500};${T0 + 520};${T0 - 2000}`, String(T0 + 2500)]);
    expect(new Set(polls.flatMap((p) => p.ids))).toEqual(new Set(fake.hits.map((h) => h.objectID)));
  });

  it('reads a backlog cursor, and ignores a malformed one with a warning', async () => {
    fake = await startFakeHackernews();
    const firstFilters = async (cursor: string) => {
      const from = fake.requests.length;
      const { pages } = await collect(adapter(), ctxFor('hackernews_search', 'alice martin', cursor));
      return { filters: fake.requests.slice(from).map(filtersOf), warnings: finalPage(pages)?.warnings };
    };
    expect(await firstFilters(`${T0};${T0 - 50};${T0 - 100}`)).toEqual({
      filters: [
        `created_at_i>${T0 - HN_OVERLAP_SECONDS}`,
        `created_at_i>${T0 - 100},created_at_i<=${T0 - 50}`,
      ],
      warnings: undefined,
    });
    expect((await firstFilters(`${T0};${T0 - 50};${T0 - 100};3`)).filters[1]).toBe(`created_at_i=${T0 - 50}`);
    expect(fake.requests.filter((r) => pageOf(r) === 3)).toHaveLength(1);
    const malformed = [
      `${T0};abc`,
      `${T0};${T0 + 5};${T0}`, // backlog newer than the newest item seen
      `${T0};${T0 - 5};${T0 - 5}`, // empty backlog
      `${T0};${T0 - 5};`,
      `${T0};${T0 - 5};${T0 - 9};10`, // page past Algolia's 1000-hit limit
    ];
    for (const cursor of malformed)
      expect(await firstFilters(cursor)).toEqual({
        filters: [null],
        warnings: [`ignored an invalid cursor "${cursor}"`],
      });
  });
});

describe('pollSource() with Hacker News: crowded seconds and backlogs', { timeout: 60_000 }, () => {
  async function setupStore(maxPages = 20) {
    fake = await startFakeHackernews();
    const t = await testDeps({
      sources: { hackernews: { baseUrl: fake.url, maxRetries: 0, maxPages } },
      watches: [{ id: 'alice', names: ['Alice Martin'], hackernews: { queries: ['alice martin'] } }],
    });
    cleanup = t.cleanup;
    return t.deps;
  }

  it('stores 250 items of the same second exactly once, and a poll with nothing new stores none', async () => {
    const deps = await setupStore();
    addSameSecond(250, T0);
    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, stored: 250, warnings: [] });
    expect(await deps.posts.count('alice')).toBe(250);
    expect((await deps.sources.listEnabled('alice'))[0]!.cursor).toBe(String(T0));

    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, stored: 0 });
    expect(await deps.posts.count('alice')).toBe(250);
  });

  it('stores over two polls the items of one second that were indexed late', async () => {
    const deps = await setupStore();
    addSameSecond(150, T0, 'first batch');
    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, stored: 150 });
    addSameSecond(100, T0, 'indexed late');
    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, stored: 100 });
    expect(await deps.posts.count('alice')).toBe(250);
    const [third] = await pollAll(deps);
    expect(third).toMatchObject({ ok: true, stored: 0 });
    expect(await deps.posts.count('alice')).toBe(250);
  });

  it('stores a backlog of 650 items over successive polls at 2 pages each, and new items as they come', async () => {
    const deps = await setupStore(2);
    fake.add({ created_at_i: T0 - 100_000, title: 'Alice Martin, long ago', _tags: ['story'] });
    expect((await pollAll(deps))[0]).toMatchObject({ ok: true, stored: 1 });
    addSpaced(650, T0, 7); // fewer than 100 in the re-read margin: each poll has a page for the backlog
    const stored: number[] = [];
    for (let n = 1; n <= 20; n++) {
      if (n === 3) addSpaced(3, T0 + 5000, 1);
      const from = fake.requests.length;
      const [o] = await pollAll(deps);
      expect(o).toMatchObject({ ok: true });
      expect(fake.requests.length - from).toBeLessThanOrEqual(2);
      stored.push(o!.stored);
      const ids = new Set((await deps.posts.latest('alice', 1000)).map((p) => p.externalId));
      if (n === 3) expect(fake.hits.slice(-3).every((h) => ids.has(h.objectID))).toBe(true);
      if (!(await deps.sources.listEnabled('alice'))[0]!.cursor!.includes(';')) break;
    }
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.reduce((a, b) => a + b, 0)).toBe(653);
    expect(await deps.posts.count('alice')).toBe(654);
    expect((await deps.sources.listEnabled('alice'))[0]!.cursor).toBe(String(T0 + 5002));
  });
});
