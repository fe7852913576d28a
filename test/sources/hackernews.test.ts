import { afterEach, describe, expect, it } from 'vitest';
import { createHackernewsAdapter, HN_OVERLAP_SECONDS } from '../../src/sources/hackernews.ts';
import { RateLimitError, SourceError } from '../../src/sources/source.ts';
import { startFakeHackernews, type FakeHn } from '../fakes/hackernews.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from './social-helpers.ts';

let fake: FakeHn;
afterEach(async () => fake?.close());

const adapter = (over: Partial<typeof knobs> = {}) =>
  createHackernewsAdapter({ baseUrl: fake.url, ...knobs, ...over }, { backoffMs: 5 });
const T0 = 1_790_000_000;

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
