import { afterEach, describe, expect, it } from 'vitest';
import { compareIds, createMastodonAdapters } from '../../../src/sources/mastodon/mastodon-adapter.ts';
import { RateLimitError, SourceError } from '../../../src/sources/source.ts';
import { startFakeMastodon, type FakeMastodon } from '../../fakes/mastodon.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from '../social-helpers.ts';

const TOKEN = 'mastodon-user-token-123';
let fake: FakeMastodon;
afterEach(async () => fake?.close());

const adapters = (over: Record<string, unknown> = {}) =>
  createMastodonAdapters({ instance: fake.url, accessToken: TOKEN, ...knobs, ...over }, { backoffMs: 5 });

// Generous time-outs: these run real HTTP servers, and CI machines can be busy.
describe('mastodon adapters', { timeout: 30_000 }, () => {
  it('reads a public hashtag timeline back from the newest, turning HTML into text', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    for (let i = 0; i < 90; i++)
      fake.addStatus({
        content: `<p>Hello <a href="#">#AliceMartin</a> &amp; co ${i}</p><p>line 2</p>`,
        tags: ['AliceMartin'],
        acct: i % 2 ? 'bob@other.social' : 'carol',
      });
    fake.addStatus({ content: '<p>other</p>', tags: ['other'] });
    const { pages, error } = await collect(
      adapters({ accessToken: undefined }).tag,
      ctxFor('mastodon_tag', 'AliceMartin'),
    );
    expect(error).toBeUndefined();
    const posts = allPosts(pages);
    expect(posts).toHaveLength(90);
    expect(new Set(posts.map((p) => p.externalId)).size).toBe(90);
    expect(posts[0]!.text).toBe('Hello #AliceMartin & co 89\nline 2');
    expect(posts[0]!.author?.handle).toBe('bob@other.social');
    // A local account's bare acct is made global with the instance's host.
    expect(posts[1]!.author?.handle).toBe(`carol@${new URL(fake.url).host}`);
    const newest = fake.statuses
      .filter((s) => s.tags.length && s.tags[0]!.name === 'alicemartin')
      .map((s) => s.id)
      .sort(compareIds)
      .pop();
    expect(finalPage(pages)?.cursor).toBe(newest);
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('walks forward from the cursor with min_id', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    const old = fake.addStatus({ content: 'old', tags: ['alice'] });
    for (let i = 0; i < 50; i++) fake.addStatus({ content: `new ${i}`, tags: ['alice'] });
    const { pages } = await collect(adapters().tag, ctxFor('mastodon_tag', 'alice', old.id));
    const texts = allPosts(pages).map((p) => p.text);
    expect(texts).toHaveLength(50);
    expect(texts).not.toContain('old');
    expect(fake.requests[0]!.query.get('min_id')).toBe(old.id);
    expect(finalPage(pages)?.cursor).toBe(fake.statuses.at(-1)!.id);
  });

  it('searches statuses with the user token', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    fake.addStatus({ content: '<p>Alice Martin again</p>', spoiler: 'cw' });
    const { pages, error } = await collect(adapters().search, ctxFor('mastodon_search', 'alice martin'));
    expect(error).toBeUndefined();
    expect(allPosts(pages).map((p) => p.text)).toEqual(['cw\nAlice Martin again']);
    expect(fake.requests[0]!.query.get('type')).toBe('statuses');
  });

  it('fails for good when search has no token or a revoked one', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    const none = await collect(
      adapters({ accessToken: undefined }).search,
      ctxFor('mastodon_search', 'alice'),
    );
    expect(none.error).toBeInstanceOf(SourceError);
    expect((none.error as SourceError).retryable).toBe(false);
    const bad = await collect(
      adapters({ accessToken: 'revoked-token-xyz' }).search,
      ctxFor('mastodon_search', 'alice'),
    );
    expect((bad.error as SourceError).retryable).toBe(false);
    expect((bad.error as Error).message).toContain('The access token is invalid');
    expect((bad.error as Error).message).not.toContain('revoked-token-xyz');
  });

  it('turns a 429 into a RateLimitError at X-RateLimit-Reset', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    const reset = new Date(Date.now() + 3600_000);
    reset.setMilliseconds(0);
    fake.inject({
      status: 429,
      headers: {
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': reset.toISOString(),
      },
      body: { error: 'Too many requests' },
    });
    const { error } = await collect(adapters().tag, ctxFor('mastodon_tag', 'alice'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt).toBe(reset.getTime());
  });

  it('records a malformed answer as a failure and refuses a bad hashtag', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    fake.inject({ status: 200, body: { error: 'not an array' } });
    const { error } = await collect(adapters().tag, ctxFor('mastodon_tag', 'alice'));
    expect((error as Error).message).toContain('malformed');
    const bad = await collect(adapters().tag, ctxFor('mastodon_tag', 'a/b?c'));
    expect((bad.error as SourceError).retryable).toBe(false);
  });

  it('searches accounts for look-alikes', async () => {
    fake = await startFakeMastodon({ token: TOKEN });
    fake.accounts.push({
      id: '1',
      username: 'alice_m',
      acct: 'alice_m@evil.example',
      display_name: 'Alice Martin',
      url: 'x',
    });
    const found = await adapters().accounts.searchAccounts('alice', new AbortController().signal);
    expect(found).toEqual([
      { id: 'alice_m@evil.example', handle: 'alice_m@evil.example', name: 'Alice Martin' },
    ]);
  });
});
