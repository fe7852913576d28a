import { afterEach, describe, expect, it } from 'vitest';
import {
  createHackernewsAdapter,
  HN_OVERLAP_SECONDS,
  HN_PAGINATION_LIMIT,
} from '../../src/sources/hackernews.ts';
import { RateLimitError, SourceError } from '../../src/sources/source.ts';
import { startFakeHackernews, type FakeHn } from '../fakes/hackernews.ts';
import { pollAll, testDeps } from '../helpers/deps.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from './social-helpers.ts';

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

const pageOf = (r: FakeHn['requests'][number]) => Number(r.query.get('page') ?? '0');

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
    expect(finalPage(pages)?.warnings).toEqual(['stopped after 2 pages: older results were not read']);
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

describe('pollSource() with Hacker News: items sharing one second', { timeout: 60_000 }, () => {
  async function setupStore() {
    fake = await startFakeHackernews();
    const t = testDeps({
      sources: { hackernews: { baseUrl: fake.url, maxRetries: 0 } },
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
    expect(deps.posts.count('alice')).toBe(250);
    expect(deps.sources.listEnabled('alice')[0]!.cursor).toBe(String(T0));

    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, stored: 0 });
    expect(deps.posts.count('alice')).toBe(250);
  });

  it('stores over two polls the items of one second that were indexed late', async () => {
    const deps = await setupStore();
    addSameSecond(150, T0, 'first batch');
    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, stored: 150 });
    addSameSecond(100, T0, 'indexed late');
    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, stored: 100 });
    expect(deps.posts.count('alice')).toBe(250);
    const [third] = await pollAll(deps);
    expect(third).toMatchObject({ ok: true, stored: 0 });
    expect(deps.posts.count('alice')).toBe(250);
  });
});
