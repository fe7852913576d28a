import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config, WatchConfig } from '../../../src/config/schema.ts';
import { silentLogger } from '../../../src/logger.ts';
import {
  RateLimitError,
  SourceError,
  type PollContext,
  type PollPage,
  type SourceAdapter,
} from '../../../src/sources/source.ts';
import { createXAdapters } from '../../../src/sources/x/x-adapter.ts';
import { startFakeXApi, type FakeXApi, type FakeXApiOptions } from '../../fakes/x-api.ts';

const TOKEN = 'test-bearer-Zx81-secret';
const HANDLE = 'alice_m';

const watch: WatchConfig = {
  id: 'alice',
  names: ['Alice Martin'],
  feeds: [],
  schedule: '*/5 * * * *',
  ownAccounts: [],
  words: { flag: [], never: [] },
  archiveMinLevel: 'medium',
};

let fake: FakeXApi;

async function startFake(opts: Partial<FakeXApiOptions> = {}): Promise<FakeXApi> {
  fake = await startFakeXApi({ token: TOKEN, ...opts });
  return fake;
}

afterEach(async () => {
  await fake?.close();
});

function xConfig(over: Partial<Config['sources']['x']> = {}): Config['sources']['x'] {
  return {
    bearerToken: TOKEN,
    baseUrl: fake.url,
    timeoutMs: 2_000,
    maxRetries: 2,
    maxRateLimitWaitMs: 5_000,
    ...over,
  };
}

function ctxFor(
  kind: string,
  target: string,
  cursor: string | null = null,
  state: Record<string, unknown> | null = null,
  signal = new AbortController().signal,
): PollContext {
  return { source: { id: 1, kind, target, cursor, state }, watch, signal, log: silentLogger() };
}

async function collect(
  adapter: SourceAdapter,
  ctx: PollContext,
): Promise<{ pages: PollPage[]; error?: unknown }> {
  const pages: PollPage[] = [];
  try {
    for await (const page of adapter.poll(ctx)) pages.push(page);
    return { pages };
  } catch (error) {
    return { pages, error };
  }
}

const ids = (pages: PollPage[]): string[] => pages.flatMap((p) => p.posts.map((post) => post.externalId));
const mentionRequests = (): number => fake.requests.filter((r) => r.path.endsWith('/mentions')).length;
const userLookups = (): number =>
  fake.requests.filter((r) => r.path.startsWith('/2/users/by/username/')).length;
/** A request for a page after the first one. */
const laterPage = (r: { query: Record<string, string> }): boolean =>
  'pagination_token' in r.query || 'next_token' in r.query;

describe('x_mentions adapter', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('yields 250 mentions over 3 pages once each, the final page carrying the first page newest_id', async () => {
    const generated = fake.generateMentions(HANDLE, 250);
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(pages.map((p) => p.posts.length)).toEqual([100, 100, 50]);
    const got = ids(pages);
    expect(new Set(got).size).toBe(250);
    expect(new Set(got)).toEqual(new Set(generated));
    expect(pages.slice(0, 2).every((p) => !p.final && p.cursor === undefined && p.state === undefined)).toBe(
      true,
    );
    const last = pages[2];
    const newest = generated.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
    expect(last?.final).toBe(true);
    expect(last?.cursor).toBe(newest);
    expect(last?.state?.userId).toBe(fake.addUser(HANDLE).id);
    // The request asks for what the mapping needs, and pages are followed with pagination_token.
    const reqs = fake.requests.filter((r) => r.path.endsWith('/mentions'));
    expect(reqs[0]?.query).toMatchObject({ max_results: '100', expansions: 'author_id' });
    expect(reqs[0]?.query['tweet.fields']?.split(',').sort()).toEqual([
      'author_id',
      'conversation_id',
      'created_at',
      'entities',
      'lang',
      'public_metrics',
      'referenced_tweets',
    ]);
    expect(reqs[0]?.query['user.fields']?.split(',').sort()).toEqual([
      'created_at',
      'name',
      'profile_image_url',
      'username',
    ]);
    expect(reqs[0]?.query.since_id).toBeUndefined();
    expect(reqs.slice(1).every((r) => typeof r.query.pagination_token === 'string')).toBe(true);
  });

  it('maps a tweet to a RawPost with its author, URL, time and raw JSON', async () => {
    fake.addUser(HANDLE);
    fake.addUser('troll_1', { id: '42', name: 'Troll One' });
    const [id] = fake.addTweets([
      { text: `@${HANDLE} dégage`, author: 'troll_1', lang: 'fr', createdAt: '2026-03-01T10:00:00.000Z' },
    ]);
    const { mentions } = createXAdapters(xConfig());
    const { pages } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    const post = pages[0]?.posts[0];
    expect(post).toMatchObject({
      platform: 'x',
      externalId: id,
      url: `https://x.com/troll_1/status/${id}`,
      author: { externalId: '42', handle: 'troll_1', name: 'Troll One' },
      text: `@${HANDLE} dégage`,
      lang: 'fr',
      createdAt: Date.parse('2026-03-01T10:00:00.000Z'),
    });
    const raw = JSON.parse(post?.raw ?? '{}');
    expect(raw.data).toMatchObject({
      id,
      author_id: '42',
      created_at: '2026-03-01T10:00:00.000Z',
      public_metrics: expect.any(Object),
    });
    expect(raw.includes.users).toEqual([
      expect.objectContaining({ id: '42', username: 'troll_1', profile_image_url: expect.any(String) }),
    ]);
  });

  it('makes exactly one request and leaves the cursor unchanged when nothing is new', async () => {
    fake.generateMentions(HANDLE, 30);
    const { mentions } = createXAdapters(xConfig());
    const first = await collect(mentions, ctxFor('x_mentions', HANDLE));
    const last = first.pages.at(-1);
    const before = fake.requests.length;
    const second = await collect(
      mentions,
      ctxFor('x_mentions', HANDLE, last?.cursor ?? null, last?.state ?? null),
    );
    expect(second.error).toBeUndefined();
    expect(fake.requests.length - before).toBe(1);
    expect(fake.requests.at(-1)?.query.since_id).toBe(last?.cursor);
    expect(second.pages).toEqual([{ posts: [], final: true, cursor: undefined, state: last?.state }]);
  });

  it('with since_id, only returns the mentions newer than the cursor', async () => {
    fake.generateMentions(HANDLE, 120);
    const { mentions } = createXAdapters(xConfig());
    const first = await collect(mentions, ctxFor('x_mentions', HANDLE));
    const cursor = first.pages.at(-1)?.cursor ?? null;
    const fresh = fake.generateMentions(HANDLE, 3);
    const second = await collect(
      mentions,
      ctxFor('x_mentions', HANDLE, cursor, first.pages.at(-1)?.state ?? null),
    );
    expect(ids(second.pages).sort()).toEqual([...fresh].sort());
    expect(second.pages.at(-1)?.cursor).toBe(fresh[2]);
  });

  it('resolves the user id once and reuses state.userId on the next poll', async () => {
    fake.generateMentions(HANDLE, 5);
    const { mentions } = createXAdapters(xConfig());
    const first = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(userLookups()).toBe(1);
    await collect(
      mentions,
      ctxFor('x_mentions', HANDLE, first.pages.at(-1)?.cursor ?? null, first.pages.at(-1)?.state ?? null),
    );
    expect(userLookups()).toBe(1);
    // A cached id for another handle is not trusted.
    await collect(mentions, ctxFor('x_mentions', HANDLE, null, { userId: '999', handle: 'someone_else' }));
    expect(userLookups()).toBe(2);
  });

  it('yields one empty final page when X answers without data', async () => {
    fake.addUser(HANDLE);
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ posts: [], final: true, cursor: undefined });
  });

  it('polls without since_id and clears a cursor that is not a post id', async () => {
    fake.addUser(HANDLE);
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE, 'not-an-id'));
    expect(error).toBeUndefined();
    expect(pages).toEqual([
      expect.objectContaining({
        posts: [],
        final: true,
        cursor: null,
        warnings: [expect.stringContaining('invalid cursor')],
      }),
    ]);
    expect(fake.requests.at(-1)?.query.since_id).toBeUndefined();
  });

  it('waits out a 429 with a near reset in mid-pagination and loses nothing', async () => {
    const generated = fake.generateMentions(HANDLE, 250);
    fake.injectFault({ at: laterPage, kind: '429', resetInSeconds: 1 });
    const { mentions } = createXAdapters(xConfig({ maxRateLimitWaitMs: 5_000 }));
    const started = Date.now();
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(new Set(ids(pages))).toEqual(new Set(generated));
    expect(ids(pages)).toHaveLength(250);
    expect(pages.at(-1)?.final).toBe(true);
    const statuses = fake.requests.filter((r) => r.path.endsWith('/mentions')).map((r) => r.status);
    expect(statuses).toEqual([200, 429, 200, 200]);
  });

  it('throws RateLimitError with the reset time on a far 429, after yielding the earlier pages and no final one', async () => {
    fake.generateMentions(HANDLE, 250);
    fake.injectFault({ at: laterPage, kind: '429', resetInSeconds: 900 });
    const { mentions } = createXAdapters(xConfig({ maxRateLimitWaitMs: 60_000 }));
    const before = Date.now();
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(RateLimitError);
    const retryAt = (error as RateLimitError).retryAt;
    expect(retryAt % 1000).toBe(0);
    expect(retryAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.posts).toHaveLength(100);
    expect(pages.some((p) => p.final)).toBe(false);
  });

  it('stops before spending a request when the rate-limit counter is at 0 and the reset is far', async () => {
    await fake.close();
    await startFake({ rateLimit: { limit: 2, windowMs: 15 * 60_000 } });
    fake.generateMentions(HANDLE, 250);
    const state = { userId: fake.addUser(HANDLE).id, handle: HANDLE };
    const { mentions } = createXAdapters(xConfig({ maxRateLimitWaitMs: 1_000 }));
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE, null, state));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(pages).toHaveLength(2);
    expect(mentionRequests()).toBe(2);
  });

  it('waits for the window when the rate-limit counter is at 0 and the reset is near', async () => {
    await fake.close();
    await startFake({ rateLimit: { limit: 2, windowMs: 1_200 } });
    fake.generateMentions(HANDLE, 250);
    const state = { userId: fake.addUser(HANDLE).id, handle: HANDLE };
    const { mentions } = createXAdapters(xConfig({ maxRateLimitWaitMs: 5_000 }));
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE, null, state));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(250);
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('retries the same page after a 503 and completes', async () => {
    fake.generateMentions(HANDLE, 150);
    fake.injectFault({ at: laterPage, kind: '503' });
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(150);
    const later = fake.requests.filter(laterPage);
    expect(later.map((r) => r.status)).toEqual([503, 200]);
    expect(later[0]?.query.pagination_token).toBe(later[1]?.query.pagination_token);
  });

  it('throws a retryable SourceError when X keeps answering 503', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: '503', times: Infinity });
    const { mentions } = createXAdapters(xConfig({ maxRetries: 2 }));
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/503/);
    expect(pages).toHaveLength(0);
    expect(mentionRequests()).toBe(3);
  });

  it('retries a connection dropped without an answer', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'reset' });
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(10);
  });

  it('retries a 200 whose JSON is cut short, like a 5xx, and completes', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'malformed' });
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(10);
    expect(mentionRequests()).toBe(2);
  });

  it('reports invalid JSON as a malformed answer once the retries are spent', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'malformed', times: Infinity });
    const { mentions } = createXAdapters(xConfig({ maxRetries: 2 }));
    const { error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/after 3 attempts: malformed answer from X: invalid JSON/);
    expect(mentionRequests()).toBe(3);
  });

  it('reports JSON without the documented shape as a malformed answer', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'bad-shape' });
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/^malformed answer from X/);
    expect(pages).toHaveLength(0);
  });

  it('fails a request that never answers after timeoutMs instead of hanging', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'hang', times: Infinity });
    const { mentions } = createXAdapters(xConfig({ timeoutMs: 300, maxRetries: 1 }));
    const started = Date.now();
    const { error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/time/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(mentionRequests()).toBe(2);
  });

  it('keeps the data of an HTTP 200 answer with errors and reports them as warnings', async () => {
    fake.generateMentions(HANDLE, 12);
    fake.injectFault({ at: (r) => r.path.endsWith('/mentions'), kind: 'errors200' });
    const { mentions } = createXAdapters(xConfig());
    const { pages, error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(12);
    expect(pages.at(-1)?.warnings).toEqual([expect.stringMatching(/not-authorized-for-resource tweet 1/)]);
  });

  it('fails without retrying on 401, and never puts the token in the message', async () => {
    fake.generateMentions(HANDLE, 10);
    const { mentions } = createXAdapters(xConfig({ bearerToken: 'wrong-token-Qq77' }));
    const { error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/401.*Unauthorized/);
    expect((error as Error).message).not.toContain('wrong-token-Qq77');
    expect(fake.requests).toHaveLength(1);
  });

  it('never puts the bearer token in a thrown error, whatever the failure', async () => {
    fake.generateMentions(HANDLE, 10);
    const failures: ((f: FakeXApi) => void)[] = [
      (f) => f.injectFault({ kind: '503', times: Infinity }),
      (f) => f.injectFault({ kind: 'malformed', times: Infinity }),
      (f) => f.injectFault({ kind: 'hang', times: Infinity }),
      (f) => f.injectFault({ kind: '429', resetInSeconds: 3600 }),
    ];
    for (const inject of failures) {
      fake.clearFaults();
      inject(fake);
      const { mentions } = createXAdapters(xConfig({ timeoutMs: 200, maxRetries: 1 }));
      const { error } = await collect(mentions, ctxFor('x_mentions', HANDLE));
      expect(error).toBeInstanceOf(Error);
      expect(`${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(
        TOKEN,
      );
    }
    fake.clearFaults();
  });

  it('names the handle when X does not know it, and does not retry', async () => {
    const { mentions } = createXAdapters(xConfig());
    const { error } = await collect(mentions, ctxFor('x_mentions', 'nobody_here'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).retryable).toBe(false);
    expect((error as Error).message).toContain('@nobody_here');
    expect(mentionRequests()).toBe(0);
  });

  it('stops waiting for a rate-limit reset when the poll is aborted', async () => {
    fake.generateMentions(HANDLE, 10);
    fake.injectFault({ kind: '429', resetInSeconds: 3 });
    const controller = new AbortController();
    const { mentions } = createXAdapters(xConfig({ maxRateLimitWaitMs: 10_000 }));
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const started = Date.now();
    const { error } = await collect(mentions, ctxFor('x_mentions', HANDLE, null, null, controller.signal));
    expect((error as Error).message).toBe('shutting down');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('x_search adapter', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('follows next_token through every page of a recent search', async () => {
    const generated = fake.generateSearchResults('"Alice Martin"', 130);
    fake.generateMentions('someone', 20);
    const { search } = createXAdapters(xConfig());
    expect(search.kind).toBe('x_search');
    const { pages, error } = await collect(search, ctxFor('x_search', '"Alice Martin"'));
    expect(error).toBeUndefined();
    expect(pages.map((p) => p.posts.length)).toEqual([100, 30]);
    expect(new Set(ids(pages))).toEqual(new Set(generated));
    expect(pages[1]).toMatchObject({ final: true, cursor: generated.at(-1) });
    const reqs = fake.requests.filter((r) => r.path === '/2/tweets/search/recent');
    expect(reqs[0]?.query.query).toBe('"Alice Martin"');
    expect(typeof reqs[1]?.query.next_token).toBe('string');
  });
});

describe('x_search adapter with a stale cursor', () => {
  it('polls the whole window again, with a warning, when X refuses a since_id older than 7 days', async () => {
    const week = 7 * 86_400_000;
    await startFake({ recentSearchWindowMs: week, startTime: Date.now() - 3 * week });
    const [old] = fake.generateSearchResults('vigie', 1);
    fake.addTweets([{ text: 'vigie again', author: 'fan_0', createdAt: Date.now() - 1000 }]);
    const [fresh] = fake.addTweets([{ text: 'vigie today', author: 'fan_0', createdAt: Date.now() }]);
    const { search } = createXAdapters(xConfig());
    const { pages, error } = await collect(search, ctxFor('x_search', 'vigie', old ?? null));
    expect(error).toBeUndefined();
    expect(ids(pages)).toHaveLength(3);
    expect(pages.at(-1)).toMatchObject({ final: true, cursor: fresh });
    expect(pages.at(-1)?.warnings).toEqual([expect.stringContaining('too old')]);
    expect(fake.requests.map((r) => [r.status, r.query.since_id])).toEqual([
      [400, old],
      [200, undefined],
    ]);
  });
});

describe('X post lookup', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('reports a deleted post as missing and the others as found, 100 ids per request', async () => {
    const generated = fake.generateMentions(HANDLE, 150);
    const deleted = generated[17] ?? '';
    fake.deleteTweet(deleted);
    const { lookup } = createXAdapters(xConfig());
    const result = await lookup.lookupPosts([...generated, '123']);
    expect(result.missing).toEqual(new Set([deleted, '123']));
    expect(result.found.size).toBe(149);
    expect(result.found.has(deleted)).toBe(false);
    expect(result.unavailable.size).toBe(0);
    const reqs = fake.requests.filter((r) => r.path === '/2/tweets');
    expect(reqs.map((r) => r.query.ids?.split(',').length)).toEqual([100, 51]);
  });
});

interface PageBody {
  data?: { id: string }[];
  includes?: unknown;
  meta: { result_count: number; next_token?: string };
}

describe('fake X API', () => {
  beforeEach(async () => {
    await startFake();
    fake.generateMentions(HANDLE, 3);
  });

  const get = (path: string, token = TOKEN): Promise<Response> =>
    fetch(fake.url + path, { headers: { authorization: `Bearer ${token}` } });

  it('answers 400 invalid-request outside the spec max_results bounds', async () => {
    const id = fake.addUser(HANDLE).id;
    for (const [path, status] of [
      [`/2/users/${id}/mentions?max_results=4`, 400],
      [`/2/users/${id}/mentions?max_results=5`, 200],
      [`/2/users/${id}/mentions?max_results=101`, 400],
      ['/2/tweets/search/recent?query=x&max_results=9', 400],
      ['/2/tweets/search/recent?query=x&max_results=10', 200],
      ['/2/tweets/search/recent?query=x&max_results=100', 200],
      ['/2/tweets/search/recent?query=x&max_results=101', 400],
      [`/2/users/${id}/mentions?since_id=abc`, 400],
      [`/2/users/${id}/mentions?bogus=1`, 400],
      [`/2/users/${id}/mentions?pagination_token=not-a-token`, 400],
      ['/2/users/by/username/bad-name!', 400],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      if (status === 400)
        expect(await res.json(), path).toMatchObject({
          title: 'Invalid Request',
          type: 'https://api.x.com/2/problems/invalid-request',
        });
    }
  });

  it('sends the rate-limit headers on every answer, including errors', async () => {
    const id = fake.addUser(HANDLE).id;
    for (const res of [
      await get(`/2/users/${id}/mentions`),
      await get(`/2/users/${id}/mentions?max_results=1`),
      await get('/2/tweets?ids=1', 'bad'),
    ]) {
      expect(res.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
      expect(res.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('answers 401 problem JSON without the right bearer token', async () => {
    const res = await fetch(fake.url + '/2/users/by/username/alice_m');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ title: 'Unauthorized', status: 401 });
  });

  it('omits data and gives result_count 0 when nothing matches, newest first otherwise', async () => {
    const empty = await (await get('/2/tweets/search/recent?query=zzz')).json();
    expect(empty).toEqual({ meta: { result_count: 0 } });
    const id = fake.addUser(HANDLE).id;
    const body = (await (await get(`/2/users/${id}/mentions?max_results=5`)).json()) as PageBody;
    const got = (body.data ?? []).map((t) => t.id);
    expect([...got].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1))).toEqual(got);
    expect(body.meta).toEqual({ result_count: 3, newest_id: got[0], oldest_id: got[2] });
    expect(body.includes).toBeUndefined();
  });

  it('serves 100 000 generated mentions page by page quickly', async () => {
    fake.generateMentions(HANDLE, 100_000);
    const id = fake.addUser(HANDLE).id;
    const started = Date.now();
    let token: string | undefined;
    let pages = 0;
    let total = 0;
    do {
      const body = (await (
        await get(`/2/users/${id}/mentions?max_results=100${token ? `&pagination_token=${token}` : ''}`)
      ).json()) as PageBody;
      total += body.meta.result_count;
      token = body.meta.next_token;
      pages++;
    } while (token && pages < 1_001);
    expect(total).toBe(100_003);
    expect(pages).toBe(1_001);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
