import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { postSearchCondition } from '../../src/db/repositories/fts-query.ts';
import type { Store } from '../../src/db/store.ts';
import { forEachStore } from '../helpers/pg.ts';

// The search box's semantics, the same on FTS5 (SQLite) and tsvector + unaccent (PostgreSQL).

const now = 1_700_000_000_000;

async function seed(store: Store, posts: Array<{ text: string; handle?: string; name?: string }>) {
  const { watches, sources, posts: postsTable } = store.t;
  await store.db.insert(watches).values({ id: 'w', definition: {}, createdAt: now, updatedAt: now });
  const [source] = await store.db
    .insert(sources)
    .values({ watchId: 'w', kind: 'feed', target: 'https://example.org/feed' })
    .returning({ id: sources.id });
  for (const [i, p] of posts.entries())
    await store.db.insert(postsTable).values({
      watchId: 'w',
      sourceId: source!.id,
      platform: 'web',
      externalId: `p${i}`,
      text: p.text,
      authorHandle: p.handle ?? null,
      authorName: p.name ?? null,
      firstSeenAt: now,
      raw: '{}',
      rawSha256: 'x',
    });
}

async function search(store: Store, input: string): Promise<string[]> {
  const rows = await store.all<{ text: string }>(
    sql`select text from posts where ${postSearchCondition(store, store.t.posts.id, input)} order by id`,
  );
  return rows.map((r) => r.text);
}

forEachStore('post search', (open) => {
  it('ignores accents both ways and case', async () => {
    const store = await open();
    await seed(store, [
      { text: 'Bravo Élodie' },
      { text: 'rien à voir' },
      { text: 'le HARCÈLEMENT continue' },
    ]);
    expect(await search(store, 'elodie')).toEqual(['Bravo Élodie']);
    expect(await search(store, 'ÉLODIE')).toEqual(['Bravo Élodie']);
    expect(await search(store, 'harcelement')).toEqual(['le HARCÈLEMENT continue']);
  });

  it('finds other forms of a word through its stem, and an explicit prefix', async () => {
    const store = await open();
    await seed(store, [
      { text: 'elle veut se suicider' },
      { text: 'arrête de harceler' },
      { text: 'bonjour' },
    ]);
    expect(await search(store, 'suicide')).toEqual(['elle veut se suicider']);
    expect(await search(store, 'harcèlement')).toEqual(['arrête de harceler']);
    expect(await search(store, 'bonj*')).toEqual(['bonjour']);
    expect(await search(store, 'bonj')).toEqual([]);
  });

  it('requires every word, in any column', async () => {
    const store = await open();
    await seed(store, [
      { text: 'un message', handle: 'troll_42', name: 'Jean Dupont' },
      { text: 'un autre message', handle: 'alice' },
    ]);
    expect(await search(store, 'message dupont')).toEqual(['un message']);
    expect(await search(store, 'message troll')).toEqual(['un message']);
    expect(await search(store, 'message absent')).toEqual([]);
  });

  it('treats typed operators and quotes as data, never as syntax', async () => {
    const store = await open();
    await seed(store, [{ text: 'chat OR chien' }, { text: 'chat seul' }, { text: 'l\'ami "fidèle"' }]);
    expect(await search(store, 'chat OR')).toEqual(['chat OR chien']);
    expect(await search(store, 'chat NOT')).toEqual([]);
    expect(await search(store, '"fidèle" ami')).toEqual(['l\'ami "fidèle"']);
    for (const hostile of ['chat & !chien', "chat | ' :* <->", '(chat', 'chat)', 'NEAR(chat', '-chat', '*'])
      await expect(search(store, hostile)).resolves.toBeInstanceOf(Array);
    expect(await search(store, '(chat')).toEqual(['chat OR chien', 'chat seul']);
    expect(await search(store, 'chat & !chien')).toEqual(['chat OR chien']);
  });

  it('matches nothing for an empty search', async () => {
    const store = await open();
    await seed(store, [{ text: 'quelque chose' }]);
    expect(await search(store, '   ')).toEqual([]);
  });
});
