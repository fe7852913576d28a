import { afterEach, describe, expect, it } from 'vitest';
import {
  createBlueskyAccountSearch,
  createBlueskyAdapter,
  createBlueskyClient,
} from '../../../src/sources/bluesky/bluesky-adapter.ts';
import { RateLimitError, SourceError } from '../../../src/sources/source.ts';
import { startFakeBluesky, type FakeBluesky } from '../../fakes/bluesky.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from '../social-helpers.ts';

const PASSWORD = 'abcd-efgh-ijkl-mnop';
let fake: FakeBluesky;
afterEach(async () => fake?.close());

const config = (over: Record<string, unknown> = {}) => ({
  service: fake.url,
  appViewUrl: fake.url,
  identifier: 'watcher.bsky.social',
  appPassword: PASSWORD,
  ...knobs,
  ...over,
});
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString();

// Generous time-outs: these run real HTTP servers, and CI machines can be busy.
describe('bluesky adapter', { timeout: 30_000 }, () => {
  it('logs in with the app password, pages through the search and keeps the newest indexedAt', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    for (let i = 0; i < 250; i++)
      fake.addPost({
        text: `Alice Martin post ${i}`,
        indexedAt: new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(),
      });
    fake.addPost({ text: 'nothing to see', indexedAt: at(59) });
    const { pages, error } = await collect(
      createBlueskyAdapter(config(), { backoffMs: 5 }),
      ctxFor('bluesky_search', 'alice martin'),
    );
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(3);
    expect(allPosts(pages)).toHaveLength(250);
    expect(finalPage(pages)?.cursor).toBe(new Date(Date.UTC(2026, 10, 1, 10, 0, 249)).toISOString());
    const first = allPosts(pages)[0]!;
    expect(first).toMatchObject({ platform: 'bluesky', lang: 'fr', text: 'Alice Martin post 249' });
    expect(first.url).toMatch(/^https:\/\/bsky\.app\/profile\/.+\/post\/3k\d+$/);
    expect(first.author?.externalId).toMatch(/^did:plc:/);
    expect(fake.calls('com.atproto.server.createSession')).toHaveLength(1);
    const search = fake.calls('app.bsky.feed.searchPosts')[0]!;
    expect(search.query.get('sort')).toBe('latest');
    expect(search.query.get('limit')).toBe('100');
    expect(JSON.stringify(pages)).not.toContain(PASSWORD);
  });

  it('sends the cursor back as since and finds mentions: of a handle', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    fake.addPost({ text: 'hey @alice.bsky.social', indexedAt: at(1) });
    fake.addPost({ text: 'again @alice.bsky.social', indexedAt: at(5) });
    const { pages } = await collect(
      createBlueskyAdapter(config()),
      ctxFor('bluesky_search', 'mentions:alice.bsky.social', at(3)),
    );
    expect(allPosts(pages).map((p) => p.text)).toEqual(['again @alice.bsky.social']);
    expect(fake.calls('app.bsky.feed.searchPosts')[0]!.query.get('since')).toBe(at(3));
  });

  it('refreshes an expired session once and goes on', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    fake.addPost({ text: 'Alice', indexedAt: at(1) });
    const adapter = createBlueskyAdapter(config());
    await collect(adapter, ctxFor('bluesky_search', 'alice'));
    fake.expireAccessTokens();
    const { pages, error } = await collect(adapter, ctxFor('bluesky_search', 'alice'));
    expect(error).toBeUndefined();
    expect(allPosts(pages)).toHaveLength(1);
    expect(fake.calls('com.atproto.server.refreshSession')).toHaveLength(1);
    expect(fake.calls('com.atproto.server.createSession')).toHaveLength(1);
  });

  it('logs in again when the refresh token has expired too', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    const adapter = createBlueskyAdapter(config());
    await collect(adapter, ctxFor('bluesky_search', 'alice'));
    fake.expireAccessTokens();
    fake.expireRefreshTokens();
    const { error } = await collect(adapter, ctxFor('bluesky_search', 'alice'));
    expect(error).toBeUndefined();
    expect(fake.calls('com.atproto.server.createSession')).toHaveLength(2);
  });

  it('fails for good on a wrong app password, without leaking it', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    const { error } = await collect(
      createBlueskyAdapter(config({ appPassword: 'wrong-pass-word-xyz' })),
      ctxFor('bluesky_search', 'alice'),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(false);
    expect((error as Error).message).toContain('refused');
    expect((error as Error).message).not.toContain('wrong-pass-word-xyz');
  });

  it('turns a 429 with a far ratelimit-reset into a RateLimitError at that time', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake.inject({
      pathPrefix: '/xrpc/app.bsky.feed.searchPosts',
      status: 429,
      headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    });
    const { error } = await collect(createBlueskyAdapter(config()), ctxFor('bluesky_search', 'alice'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt).toBe(reset * 1000);
  });

  it('keeps the pages already read when a later page fails, without a cursor', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    for (let i = 0; i < 150; i++)
      fake.addPost({
        text: `Alice ${i}`,
        indexedAt: new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(),
      });
    const adapter = createBlueskyAdapter(config({ maxRetries: 1 }), { backoffMs: 5 });
    const ctx = ctxFor('bluesky_search', 'alice');
    const pages: unknown[] = [];
    let error: unknown;
    try {
      for await (const p of adapter.poll(ctx)) {
        pages.push(p);
        fake.inject({ pathPrefix: '/xrpc/app.bsky.feed.searchPosts', status: 502, body: 'bad gateway' }, 5);
      }
    } catch (e) {
      error = e;
    }
    expect(pages).toHaveLength(1);
    expect(pages[0]).not.toHaveProperty('cursor');
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(true);
  });

  it('records a malformed answer as a failure', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    fake.inject({ pathPrefix: '/xrpc/app.bsky.feed.searchPosts', status: 200, body: '<html>oops</html>' });
    const { error } = await collect(createBlueskyAdapter(config()), ctxFor('bluesky_search', 'alice'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain('malformed');
  });

  it('searches accounts with searchActors', async () => {
    fake = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: PASSWORD });
    fake.actors.push({ did: 'did:plc:fake1', handle: 'аlice.bsky.social', displayName: 'Alice Martin' });
    const found = await createBlueskyAccountSearch(createBlueskyClient(config())).searchAccounts(
      'Alice Martin',
      new AbortController().signal,
    );
    expect(found).toEqual([{ id: 'did:plc:fake1', handle: 'аlice.bsky.social', name: 'Alice Martin' }]);
  });
});
