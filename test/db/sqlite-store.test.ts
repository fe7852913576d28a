import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';

const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function open(): Store {
  const store = openSqliteStore(':memory:');
  opened.push(store);
  return store;
}

const now = 1_700_000_000_000;

async function addWatch(store: Store, id: string) {
  await store.db.insert(store.t.watches).values({ id, definition: { id }, createdAt: now, updatedAt: now });
}

describe('the SQLite store', () => {
  it('runs awaited builder statements and raw SQL', async () => {
    const store = open();
    await addWatch(store, 'alice');
    const rows = await store.db.select().from(store.t.watches).where(eq(store.t.watches.id, 'alice'));
    expect(rows.map((r) => r.id)).toEqual(['alice']);
    const row = await store.get<{ n: number }>(sql`select count(*) as n from watches where id = ${'alice'}`);
    expect(row?.n).toBe(1);
    expect((await store.run(sql`update watches set updated_at = ${now + 1}`)).changes).toBe(1);
  });

  it('refuses the synchronous SQLite-only calls', () => {
    const store = open();
    expect(() => store.db.select().from(store.t.watches).all()).toThrow(/await the statement/);
  });

  it('rolls a transaction back as a whole when its body throws', async () => {
    const store = open();
    await expect(
      store.transaction(async (tx) => {
        await addWatch(tx, 'bob');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.all(sql`select id from watches`)).toEqual([]);
  });

  it('keeps other work of the process out of an open transaction', async () => {
    const store = open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = store.transaction(async (t) => {
      await addWatch(t, 'inside');
      await held; // the body waits on something else: other work runs meanwhile
      throw new Error('rolled back');
    });
    // Written while the transaction is open, by another flow: must not be rolled back with it.
    const outsideWrite = addWatch(store, 'outside');
    release();
    await expect(tx).rejects.toThrow('rolled back');
    await outsideWrite;
    const ids = (await store.all<{ id: string }>(sql`select id from watches order by id`)).map((r) => r.id);
    expect(ids).toEqual(['outside']);
  });

  it('refuses the outer store inside a transaction instead of waiting forever', async () => {
    const store = open();
    await expect(store.transaction(async () => store.all(sql`select 1`))).rejects.toThrow(
      /transaction's store/,
    );
  });
});
