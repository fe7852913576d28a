import { afterEach, describe, expect, it } from 'vitest';
import { createRedditAdapter } from '../../../src/sources/reddit/reddit-adapter.ts';
import { RateLimitError, SourceError } from '../../../src/sources/source.ts';
import { startFakeReddit, type FakeReddit } from '../../fakes/reddit.ts';
import { allPosts, collect, ctxFor, finalPage, knobs } from '../social-helpers.ts';

const SECRET = 'reddit-client-secret-42';
let fake: FakeReddit;
afterEach(async () => fake?.close());
const T0 = 1_790_000_000;

const adapter = (over: Record<string, unknown> = {}) =>
  createRedditAdapter(
    {
      clientId: 'cid',
      clientSecret: SECRET,
      userAgent: 'server:vigie-test:0.1',
      authUrl: fake.url,
      apiUrl: fake.url,
      ...knobs,
      ...over,
    },
    { backoffMs: 5 },
  );

// Generous time-outs: these run real HTTP servers, and CI machines can be busy.
describe('reddit adapter', { timeout: 30_000 }, () => {
  it('logs in app-only, pages newest first and keeps the newest time as cursor', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    for (let i = 0; i < 230; i++)
      fake.addLink({ title: `Alice Martin ${i}`, selftext: 'body', created_utc: T0 + i });
    fake.addLink({ title: 'deleted one about alice martin', author: '[deleted]', created_utc: T0 - 10 });
    const { pages, error } = await collect(adapter(), ctxFor('reddit_search', 'alice martin'));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(3);
    const posts = allPosts(pages);
    expect(posts).toHaveLength(231);
    expect(posts[0]).toMatchObject({
      platform: 'reddit',
      externalId: 't3_abc230',
      text: 'Alice Martin 229\nbody',
      createdAt: (T0 + 229) * 1000,
    });
    expect(posts[0]!.url).toBe('https://www.reddit.com/r/france/comments/abc230/x/');
    expect(posts.at(-1)!.author).toBeNull();
    expect(finalPage(pages)?.cursor).toBe(String(T0 + 229));
    const login = fake.requests[0]!;
    expect(login.body).toBe('grant_type=client_credentials');
    expect(login.headers['user-agent']).toBe('server:vigie-test:0.1');
    const search = fake.requests[1]!;
    expect(search.query.get('sort')).toBe('new');
    expect(search.query.get('limit')).toBe('100');
    expect(fake.requests[2]!.query.get('after')).toBe('t3_abc131');
  });

  it('stops paging at the cursor', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    for (let i = 0; i < 300; i++) fake.addLink({ title: `alice ${i}`, created_utc: T0 + i });
    const { pages } = await collect(adapter(), ctxFor('reddit_search', 'alice', String(T0 + 250)));
    expect(allPosts(pages)).toHaveLength(50);
    expect(fake.requests.filter((r) => r.path === '/search')).toHaveLength(1);
  });

  it('logs in again once when the token is revoked', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    fake.addLink({ title: 'alice', created_utc: T0 });
    const a = adapter();
    await collect(a, ctxFor('reddit_search', 'alice'));
    fake.revokeTokens();
    const { pages, error } = await collect(a, ctxFor('reddit_search', 'alice'));
    expect(error).toBeUndefined();
    expect(allPosts(pages)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === '/api/v1/access_token')).toHaveLength(2);
  });

  it('fails for good on wrong credentials, without leaking the secret', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    const { error } = await collect(
      adapter({ clientSecret: 'wrong-secret-value' }),
      ctxFor('reddit_search', 'alice'),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(false);
    expect((error as Error).message).not.toContain('wrong-secret-value');
  });

  it('reads a refusal sent with HTTP 200', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    fake.inject({ pathPrefix: '/api/v1/access_token', status: 200, body: { error: 'invalid_grant' } });
    const { error } = await collect(adapter(), ctxFor('reddit_search', 'alice'));
    expect((error as Error).message).toContain('invalid_grant');
  });

  it('turns a 429 into a RateLimitError at X-Ratelimit-Reset', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    fake.inject({
      pathPrefix: '/search',
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '600', 'x-ratelimit-reset': '3000' },
      body: { message: 'Too Many Requests', error: 429 },
    });
    const before = Date.now();
    const { error } = await collect(adapter(), ctxFor('reddit_search', 'alice'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt).toBeGreaterThanOrEqual(before + 3000_000);
  });

  it('stops before spending a request the counter says would be refused', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    for (let i = 0; i < 150; i++) fake.addLink({ title: `alice ${i}`, created_utc: T0 + i });
    fake.rate.remaining = 0;
    fake.rate.resetSeconds = 3600;
    const { pages, error } = await collect(adapter(), ctxFor('reddit_search', 'alice'));
    expect(pages).toHaveLength(1);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(fake.requests.filter((r) => r.path === '/search')).toHaveLength(1);
  });

  it('records a malformed answer as a failure', async () => {
    fake = await startFakeReddit({ clientId: 'cid', clientSecret: SECRET });
    fake.inject({ pathPrefix: '/search', status: 200, body: { kind: 't3' } });
    const { error } = await collect(adapter(), ctxFor('reddit_search', 'alice'));
    expect((error as Error).message).toContain('malformed');
  });
});
