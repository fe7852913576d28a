import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createLedger, type EventType } from '../../src/db/ledger/ledger.ts';
import { createSecretBox } from '../../src/identity/crypto.ts';
import { startFakeHackernews, type FakeHn } from '../fakes/hackernews.ts';
import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky.ts';
import { pollAll, testDeps } from '../helpers/deps.ts';

const KEY = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
const T0 = 1_790_000_000;
let hn: FakeHn | undefined;
let bsky: FakeBluesky | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  await hn?.close();
  await bsky?.close();
  cleanup = hn = bsky = undefined;
});

function watch(extra: Record<string, unknown> = {}) {
  return {
    id: 'alice',
    names: ['Alice Martin'],
    ownAccounts: ['alice_m'],
    hackernews: { queries: ['alice'] },
    private: {
      phones: ['06 12 34 56 78'],
      addresses: ['12 boulevard Voltaire, 75011 Paris'],
      relatives: ['Paul Martin'],
    },
    ...extra,
  };
}

async function setup(extra: Record<string, unknown> = {}, key = KEY) {
  hn = await startFakeHackernews();
  const t = await testDeps({
    security: { encryptionKey: key },
    sources: { hackernews: { baseUrl: hn.url, maxRetries: 0 } },
    watches: [watch(extra)],
  });
  cleanup = t.cleanup;
  return t;
}

describe('private information at rest', { timeout: 30_000 }, () => {
  it('is stripped from the stored watch and kept only encrypted', async () => {
    const { deps } = await setup();
    expect((await deps.watches.get('alice'))!.definition).not.toHaveProperty('private');
    const dump = JSON.stringify([
      await deps.store.all(sql`select * from watches`),
      await deps.store.all(sql`select * from watch_private`),
    ]);
    for (const secret of ['Voltaire', '06 12 34', 'Paul Martin']) expect(dump).not.toContain(secret);
    const row = (await deps.store.get<{ blob: string }>(
      sql`select blob from watch_private where watch_id = ${'alice'}`,
    ))!;
    expect(JSON.parse(createSecretBox(KEY).open(row.blob, 'alice')).phones).toEqual(['06 12 34 56 78']);
    expect(() => createSecretBox(KEY).open(row.blob, 'other-watch')).toThrow(/could not be decrypted/);
    expect(() => createSecretBox('b'.repeat(64)).open(row.blob, 'alice')).toThrow(/could not be decrypted/);
  });

  it('is removed with the watch, and when the watch no longer has any', async () => {
    const { deps } = await setup();
    const count = async () =>
      Number((await deps.store.get<{ n: number }>(sql`select count(*) as n from watch_private`))!.n);
    expect(await count()).toBe(1);
    await deps.identity.syncPrivate([]);
    expect(await count()).toBe(0);
    await deps.identity.syncPrivate([
      {
        ...(await deps.watches.get('alice'))!.definition,
        private: { phones: ['0612345678'], emails: [], addresses: [], workplaces: [], relatives: [] },
      },
    ]);
    expect(await count()).toBe(1);
    await deps.identity.syncPrivate([
      { ...(await deps.watches.get('alice'))!.definition, private: undefined },
    ]);
    expect(await count()).toBe(0);
  });

  it('is a config error without an encryption key, naming the key', () => {
    expect(() => parseConfig({ watches: [watch()] })).toThrow(
      /security\.encryptionKey.*VIGIE_ENCRYPTION_KEY/,
    );
    expect(() => parseConfig({ security: { encryptionKey: 'short' }, watches: [watch()] })).toThrow(/64 hex/);
  });

  it('names the missing credentials of a source a watch uses', () => {
    expect(() =>
      parseConfig({ watches: [{ id: 'a', names: ['A B'], bluesky: { queries: ['a'] } }] }),
    ).toThrow(/sources\.bluesky\.appPassword.*VIGIE_BLUESKY_APP_PASSWORD/);
    expect(() => parseConfig({ watches: [{ id: 'a', names: ['A B'], reddit: { queries: ['a'] } }] })).toThrow(
      /sources\.reddit\.clientSecret/,
    );
    expect(() =>
      parseConfig({ watches: [{ id: 'a', names: ['A B'], mastodon: { queries: ['a'] } }] }),
    ).toThrow(/sources\.mastodon\.accessToken/);
    expect(() =>
      parseConfig({
        watches: [
          { id: 'a', names: ['A B'], mastodon: { hashtags: ['#ab'] }, hackernews: { queries: ['a'] } },
        ],
      }),
    ).not.toThrow();
  });
});

describe('doxxing at ingest', { timeout: 30_000 }, () => {
  it('marks a post publishing the private address doxxing, severe and hostile; others stay as scored', async () => {
    const { deps } = await setup();
    hn!.add({
      created_at_i: T0,
      comment_text: 'Alice Martin habite au 12 bd Voltaire, allez-y',
      author: 'troll1',
    });
    hn!.add({ created_at_i: T0 + 1, comment_text: 'Alice was great in that talk', author: 'fan' });
    hn!.add({
      created_at_i: T0 + 2,
      comment_text: 'alice : son frère paul martin bosse en face',
      author: 'troll2',
    });
    const [outcome] = await pollAll(deps, 'alice');
    expect(outcome!.ok).toBe(true);
    const posts = await deps.posts.latest('alice', 10);
    const dox = posts.find((p) => p.text.includes('Voltaire'))!;
    expect(dox).toMatchObject({ level: 'severe', hostile: true });
    expect(dox.categories).toContain('doxxing');
    expect((dox.matches as { term: string }[]).map((m) => m.term)).toContain('address');
    expect(JSON.stringify(dox.matches)).not.toContain('Voltaire');
    expect(posts.find((p) => p.text.includes('paul martin'))!.categories).toContain('doxxing');
    expect(posts.find((p) => p.text.includes('great'))!.categories ?? []).not.toContain('doxxing');
  });

  it('runs the generic check only when the key is wrong, without failing the poll', async () => {
    const { deps, config } = await setup();
    const { createDeps } = await import('../../src/app/deps.ts');
    const { silentLogger } = await import('../../src/logger.ts');
    const other = await createDeps(
      { ...config, security: { encryptionKey: 'c'.repeat(64) } },
      silentLogger(),
      {
        store: deps.store,
      },
    );
    const guard = await other.pii.forWatch((await deps.watches.get('alice'))!.definition);
    expect(guard.check('12 bd Voltaire')).toEqual([]);
    expect(guard.check('Alice Martin 06 12 34 56 78').map((h) => h.kind)).toEqual(['published_phone']);
  });
});

describe('look-alike accounts', { timeout: 30_000 }, () => {
  it('flags look-alike authors of new posts, never the real account, and respects dismissals', async () => {
    const { deps } = await setup();
    hn!.add({ created_at_i: T0, comment_text: 'alice says hi', author: 'alicem_officiel' });
    hn!.add({ created_at_i: T0 + 1, comment_text: 'alice here', author: 'alice_m' });
    hn!.add({ created_at_i: T0 + 2, comment_text: 'alice who?', author: 'bob_dupont' });
    hn!.add({ created_at_i: T0 + 3, comment_text: 'alice again', author: 'аlice_m' });
    await pollAll(deps, 'alice');
    const list = await deps.identity.list('alice');
    expect(list.map((c) => c.handle).sort()).toEqual(['alicem_officiel', 'аlice_m'].sort());
    const cyr = list.find((c) => c.handle === 'аlice_m')!;
    expect(cyr).toMatchObject({ platform: 'hackernews', status: 'new', foundBy: 'author', notifiedAt: null });
    expect(cyr.reason).toContain('U+0430');
    expect((await deps.identity.unnotified('alice')).map((c) => c.id)).toContain(cyr.id);

    const official = list.find((c) => c.handle === 'alicem_officiel')!;
    await deps.identity.dismiss(official.id);
    hn!.add({ created_at_i: T0 + 10, comment_text: 'alice, me again', author: 'alicem_officiel' });
    await pollAll(deps, 'alice');
    expect((await deps.identity.list('alice')).map((c) => c.handle)).toEqual(['аlice_m']);
    expect((await deps.identity.get(official.id))!.status).toBe('dismissed');

    const confirmed = await deps.identity.confirm(cyr.id, 'proxy@example.org');
    expect(confirmed.status).toBe('confirmed');
    const events = await createLedger(deps.store).ofWatchAndType('alice', 'impersonation' as EventType);
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe('proxy@example.org');
    expect((await createLedger(deps.store).verify()).ok).toBe(true);
  });

  it('rescans every author of the watch on demand', async () => {
    const { deps } = await setup();
    hn!.add({ created_at_i: T0, comment_text: 'alice', author: 'a1ice_m' });
    await pollAll(deps, 'alice');
    await deps.store.run(sql`delete from lookalikes`);
    expect(await deps.identity.scanAuthors('alice')).toEqual({ checked: 1, candidates: 1 });
  });

  it('searches Bluesky accounts by name and stores look-alikes', async () => {
    hn = await startFakeHackernews();
    bsky = await startFakeBluesky({ identifier: 'watcher.bsky.social', password: 'app-pass-word-1234' });
    bsky.actors.push(
      { did: 'did:plc:real', handle: 'alice.bsky.social', displayName: 'Alice Martin' },
      { did: 'did:plc:evil', handle: 'alice-rnartin.bsky.social', displayName: 'Alice Martin' },
      { did: 'did:plc:other', handle: 'zorro.bsky.social', displayName: 'Zorro' },
    );
    const t = await testDeps({
      security: { encryptionKey: KEY },
      sources: {
        hackernews: { baseUrl: hn.url },
        bluesky: { service: bsky.url, identifier: 'watcher.bsky.social', appPassword: 'app-pass-word-1234' },
      },
      watches: [watch({ bluesky: { handle: 'alice.bsky.social' } })],
    });
    cleanup = t.cleanup;
    expect(await t.deps.identity.searchAccounts('alice')).toBe(1);
    const [c] = await t.deps.identity.list('alice');
    expect(c).toMatchObject({ platform: 'bluesky', accountId: 'did:plc:evil', foundBy: 'search' });
    expect(c!.similarity).toBeGreaterThanOrEqual(0.9);
  });
});
