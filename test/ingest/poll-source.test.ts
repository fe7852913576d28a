import { afterEach, describe, expect, it } from 'vitest';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeFeedServer, serveGoogleAlerts, buildRss2, makeItems } from '../fakes/feed-server.ts';
import { pollAll, testDeps } from '../helpers/deps.ts';
import { pollSource } from '../../src/ingest/poll-source.ts';
import { toArray } from '../helpers/to-array.ts';

const TOKEN = 'test-bearer-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function fakeX(): Promise<FakeXApi> {
  const fake = await startFakeXApi({ token: TOKEN });
  closers.push(() => fake.close());
  fake.addUser('alice_m', { name: 'Alice Martin' });
  return fake;
}

async function setup(baseUrl: string, watch: Record<string, unknown>) {
  const t = await testDeps({
    sources: {
      x: { bearerToken: TOKEN, baseUrl, maxRetries: 1, timeoutMs: 5_000, maxRateLimitWaitMs: 2_000 },
      feeds: { maxRetries: 0, timeoutMs: 5_000 },
    },
    watches: [{ id: 'alice', names: ['Alice Martin'], ...watch }],
  });
  closers.push(t.cleanup);
  return t.deps;
}

const mentionRequests = (fake: FakeXApi) => fake.requests.filter((r) => r.path.endsWith('/mentions'));

describe('pollSource() with X', () => {
  it('stores 250 mentions over 3 pages once, and a second poll with nothing new makes one request', async () => {
    const fake = await fakeX();
    const ids = fake.generateMentions('alice_m', 250);
    const deps = await setup(fake.url, { x: { handle: 'alice_m' } });

    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, pages: 3, fetched: 250, stored: 250 });
    expect(await deps.posts.count('alice')).toBe(250);
    const source = (await deps.sources.listEnabled('alice'))[0]!;
    expect(source.cursor).toBe(ids.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b)));
    expect(source.lastSuccessAt).not.toBeNull();

    const before = fake.requests.length;
    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, stored: 0 });
    expect(fake.requests.length - before).toBe(1);
    expect(mentionRequests(fake).at(-1)!.query.since_id).toBe(source.cursor);
    expect(await deps.posts.count('alice')).toBe(250);
  });

  it('keeps every post and the cursor when a 429 far from its reset stops the poll mid-pagination', async () => {
    const fake = await fakeX();
    fake.generateMentions('alice_m', 250);
    const deps = await setup(fake.url, { x: { handle: 'alice_m' } });
    // The second page of mentions is refused for 15 minutes.
    let seen = 0;
    fake.injectFault({
      kind: '429',
      resetInSeconds: 900,
      at: (r) => r.path.endsWith('/mentions') && ++seen === 2,
    });

    const [stopped] = await pollAll(deps);
    expect(stopped!.ok).toBe(false);
    expect(stopped!.retryAt).toBeGreaterThan(Date.now() + 800_000);
    expect(await deps.posts.count('alice')).toBe(100);
    const source = (await deps.sources.listEnabled('alice'))[0]!;
    expect(source.cursor).toBeNull();
    expect(source.consecutiveFailures).toBe(1);

    const [resumed] = await pollAll(deps);
    expect(resumed).toMatchObject({ ok: true, fetched: 250, stored: 150 });
    expect(await deps.posts.count('alice')).toBe(250);
    expect((await deps.sources.get(source.id))!.consecutiveFailures).toBe(0);
  });

  it('stores a post found by both the mentions timeline and the search once', async () => {
    const fake = await fakeX();
    fake.addTweets([
      { text: 'hello @alice_m', author: 'bob', matchesQueries: ['"Alice Martin" OR @alice_m'] },
    ]);
    const deps = await setup(fake.url, { x: { handle: 'alice_m', search: '"Alice Martin" OR @alice_m' } });
    const outcomes = await pollAll(deps);
    expect(outcomes.map((o) => o.fetched)).toEqual([1, 1]);
    expect(outcomes.reduce((n, o) => n + o.stored, 0)).toBe(1);
    expect(await deps.posts.count('alice')).toBe(1);
  });

  it('scores posts at ingest and keeps the raw payload with its SHA-256', async () => {
    const fake = await fakeX();
    fake.addTweets([
      { text: '@alice_m t es une grosse connasse, je vais te tuer', author: 'troll', lang: 'fr' },
      { text: '@alice_m merci pour ton article, très juste', author: 'friend', lang: 'fr' },
    ]);
    const deps = await setup(fake.url, { x: { handle: 'alice_m' } });
    await pollAll(deps);
    const rows = await toArray(deps.posts.iterateMentions({ watchId: 'alice' }));
    const hostile = rows.find((r) => r.authorHandle === 'troll')!;
    const friendly = rows.find((r) => r.authorHandle === 'friend')!;
    expect(hostile.hostile).toBe(true);
    expect(hostile.categories).toContain('threat');
    expect(['high', 'severe']).toContain(hostile.level);
    expect(friendly.hostile).toBe(false);
    const { createHash } = await import('node:crypto');
    expect(hostile.rawSha256).toBe(createHash('sha256').update(hostile.raw).digest('hex'));
    expect(JSON.parse(hostile.raw).data.text).toBe(hostile.text);
    expect(hostile.scorerVersion).toBeTruthy();
  });

  it('records a dead source loudly and goes on polling the others', async () => {
    const fake = await fakeX();
    fake.generateMentions('alice_m', 5);
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    const alerts = serveGoogleAlerts(feeds, '/alerts');
    const deps = await setup(fake.url, { x: { handle: 'alice_m' }, feeds: [`${feeds.url}/gone`, alerts] });
    feeds.setFeed('/gone', { body: 'not here', status: 404 });
    fake.injectFault({ kind: '503', times: Infinity });

    const outcomes = await pollAll(deps);
    const byKind = Object.fromEntries(outcomes.map((o) => [o.target.endsWith('/gone') ? 'gone' : o.kind, o]));
    expect(byKind.x_mentions!.ok).toBe(false);
    expect(byKind.gone!.ok).toBe(false);
    expect(byKind.feed).toMatchObject({ ok: true, stored: 20 });
    const health = await deps.sources.listHealth();
    const dead = health.find((s) => s.kind === 'x_mentions')!;
    expect(dead.consecutiveFailures).toBe(1);
    expect(dead.failingSince).not.toBeNull();
    expect(dead.lastError).toMatch(/503|unavailable/i);
    expect(dead.lastError).not.toContain(TOKEN);
  });
});

describe('pollSource() with feeds', () => {
  it('stores a feed once and sends a conditional GET the second time', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    feeds.setFeed('/rss', {
      body: buildRss2(makeItems(30)),
      contentType: 'application/rss+xml',
      etag: '"v1"',
    });
    const deps = await setup('http://127.0.0.1:9', { feeds: [`${feeds.url}/rss`] });
    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, stored: 30 });
    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, fetched: 0, stored: 0 });
    expect(feeds.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(await deps.posts.count('alice')).toBe(30);
  });

  it('stores what a changed feed adds, without duplicating what it kept', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    const items = makeItems(40);
    feeds.setFeed('/rss', { body: buildRss2(items.slice(10)), etag: '"a"' });
    const deps = await setup('http://127.0.0.1:9', { feeds: [`${feeds.url}/rss`] });
    await pollAll(deps);
    feeds.setFeed('/rss', { body: buildRss2(items.slice(0, 30)), etag: '"b"' });
    const [second] = await pollAll(deps);
    expect(second).toMatchObject({ ok: true, fetched: 30, stored: 10 });
    expect(await deps.posts.count('alice')).toBe(40);
  });

  it('stores a feed whose item holds U+0000 with its other items, the payload kept in parsed form', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    const items = makeItems(3);
    // Not XML, but the lenient parser reads it: on PostgreSQL an exact slice would fail the page.
    const body = buildRss2(items).replace(
      `<title>${items[1]!.title}</title>`,
      `<title>${items[1]!.title}\u0000x</title>`,
    );
    expect(body).toContain('\u0000');
    feeds.setFeed('/rss', { body });
    const deps = await setup('http://127.0.0.1:9', { feeds: [`${feeds.url}/rss`] });
    const [first] = await pollAll(deps);
    expect(first).toMatchObject({ ok: true, stored: 3 });
    expect(first!.warnings).toEqual(['item 2: raw XML could not be sliced, stored as parsed JSON']);
    const stored = await toArray(deps.posts.iterateMentions({ watchId: 'alice' }));
    expect(stored.map((p) => p.raw.includes('\u0000'))).toEqual([false, false, false]);
    expect(stored.filter((p) => p.raw.startsWith('<item'))).toHaveLength(2);
    const second = await pollAll(deps);
    expect(second[0]).toMatchObject({ ok: true });
    expect(await deps.posts.count('alice')).toBe(3);
  });

  it('stores every item of two feeds numbering their items alike, and items with neither guid nor link', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    const local = (title: string) => ({ id: '1', title });
    feeds.setFeed('/a', { body: buildRss2([local('Alice, feed A'), { title: 'no guid, no link (A)' }]) });
    feeds.setFeed('/b', { body: buildRss2([local('Alice, feed B'), { title: 'no guid, no link (B)' }]) });
    const deps = await setup('http://127.0.0.1:9', { feeds: [`${feeds.url}/a`, `${feeds.url}/b`] });
    const first = await pollAll(deps);
    expect(first.map((o) => ({ ok: o.ok, stored: o.stored, warnings: o.warnings }))).toEqual([
      { ok: true, stored: 2, warnings: [] },
      { ok: true, stored: 2, warnings: [] },
    ]);
    expect(await deps.posts.count('alice')).toBe(4);
    const second = await pollAll(deps);
    expect(second.map((o) => o.stored)).toEqual([0, 0]);
    expect(await deps.posts.count('alice')).toBe(4);
  });

  it('finds posts by full-text search without accents', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    feeds.setFeed('/rss', {
      body: buildRss2([
        { id: '1', title: 'Élodie Martin répond', link: 'https://ex.org/1', html: 'texte' },
        { id: '2', title: 'Autre sujet', link: 'https://ex.org/2', html: 'rien' },
      ]),
    });
    const deps = await setup('http://127.0.0.1:9', { feeds: [`${feeds.url}/rss`] });
    const [o] = await pollAll(deps);
    expect(o!.ok).toBe(true);
    const found = await toArray(deps.posts.iterateMentions({ search: 'elodie' }));
    expect(found.map((p) => p.url)).toEqual(['https://ex.org/1']);
    // Operators typed by a person are data, not FTS syntax.
    expect(await toArray(deps.posts.iterateMentions({ search: 'AND ("' }))).toEqual([]);
  });
});

describe('pollSource() bookkeeping', () => {
  it('refuses an unknown source id', async () => {
    const deps = await setup('http://127.0.0.1:9', {});
    await expect(pollSource(deps, 999)).rejects.toThrow(/does not exist/);
  });
});

describe('pollSource() and short rate limits', () => {
  it('waits out a 429 whose reset is near and completes the poll with nothing lost', async () => {
    const fake = await fakeX();
    fake.generateMentions('alice_m', 250);
    const deps = await setup(fake.url, { x: { handle: 'alice_m' } });
    let seen = 0;
    fake.injectFault({
      kind: '429',
      resetInSeconds: 1,
      at: (r) => r.path.endsWith('/mentions') && ++seen === 2,
    });
    const [o] = await pollAll(deps);
    expect(o).toMatchObject({ ok: true, stored: 250 });
    expect(fake.requests.some((r) => r.status === 429)).toBe(true);
    expect((await deps.sources.listEnabled('alice'))[0]!.cursor).not.toBeNull();
  });
});
