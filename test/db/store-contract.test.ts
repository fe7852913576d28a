import { expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../src/db/db-errors.ts';
import type { Store } from '../../src/db/store.ts';
import { forEachStore } from '../helpers/pg.ts';

// The Store contract, on both databases: what every repository relies on.

const now = 1_700_000_000_000;

async function addWatch(store: Store, id: string) {
  await store.db.insert(store.t.watches).values({ id, definition: { id }, createdAt: now, updatedAt: now });
}

async function watchIds(store: Store): Promise<string[]> {
  return (await store.all<{ id: string }>(sql`select id from watches order by id`)).map((r) => r.id);
}

forEachStore('the store contract', (open, dialect) => {
  it('says which dialect it speaks', async () => {
    expect((await open()).dialect).toBe(dialect);
  });

  it('runs awaited builder statements and raw SQL, reporting changed rows', async () => {
    const store = await open();
    await addWatch(store, 'alice');
    await addWatch(store, 'bob');
    const rows = await store.db.select().from(store.t.watches).where(eq(store.t.watches.id, 'alice'));
    expect(rows.map((r) => r.id)).toEqual(['alice']);
    expect(rows[0]!.definition).toEqual({ id: 'alice' });
    expect(await store.get<{ id: string }>(sql`select id from watches where id = ${'bob'}`)).toEqual({
      id: 'bob',
    });
    expect(await store.get(sql`select id from watches where id = ${'nobody'}`)).toBeUndefined();
    expect((await store.run(sql`update watches set updated_at = ${now + 1}`)).changes).toBe(2);
    expect((await store.run(sql`delete from watches where id = ${'nobody'}`)).changes).toBe(0);
  });

  it('reads epoch-ms times, counts and sums as numbers', async () => {
    const store = await open();
    await addWatch(store, 'alice');
    await addWatch(store, 'bob');
    const big = 4_102_444_800_000; // 2100-01-01, beyond 32 bits
    await store.run(sql`update watches set created_at = ${big} where id = ${'bob'}`);
    const row = await store.get<{ n: unknown; total: unknown; newest: unknown }>(
      sql`select count(*) as n, sum(created_at) as total, max(created_at) as newest from watches`,
    );
    expect(row).toEqual({ n: 2, total: now + big, newest: big });
    const [bob] = await store.db.select().from(store.t.watches).where(eq(store.t.watches.id, 'bob'));
    expect(bob!.createdAt).toBe(big);
  });

  it('stores booleans that read back through the builder as booleans and raw as truthy values', async () => {
    const store = await open();
    await store.db.insert(store.t.settings).values([
      { path: 'a', value: '1', secret: true, updatedAt: now },
      { path: 'b', value: '2', secret: false, updatedAt: now },
    ]);
    const rows = await store.db.select().from(store.t.settings).orderBy(store.t.settings.path);
    expect(rows.map((r) => r.secret)).toEqual([true, false]);
    const raw = await store.all<{ path: string; secret: unknown }>(
      sql`select path, secret from settings where secret = ${true}`,
    );
    expect(raw.map((r) => [r.path, Boolean(r.secret)])).toEqual([['a', true]]);
  });

  it('keeps the JSON text of a JSON column exactly as SQLite writes it', async () => {
    const store = await open();
    await store.db
      .insert(store.t.watches)
      .values({ id: 'w', definition: { b: 1, a: [1.5, 'é'] }, createdAt: now, updatedAt: now });
    const row = await store.get<{ definition: string }>(sql`select definition from watches`);
    expect(row!.definition).toBe('{"b":1,"a":[1.5,"é"]}');
  });

  it('returns generated ids and accepts explicit ones', async () => {
    const store = await open();
    const { users } = store.t;
    const [first] = await store.db
      .insert(users)
      .values({ email: 'a@example.org', role: 'owner', createdAt: now })
      .returning({ id: users.id });
    expect(first!.id).toBe(1);
    await store.db.insert(users).values({ id: 10, email: 'b@example.org', role: 'proxy', createdAt: now });
    const skipped = await store.db
      .insert(users)
      .values({ email: 'a@example.org', role: 'owner', createdAt: now })
      .onConflictDoNothing()
      .returning({ id: users.id });
    expect(skipped).toEqual([]);
  });

  it('commits a transaction and rolls it back as a whole when its body throws', async () => {
    const store = await open();
    await store.transaction(async (tx) => {
      expect(tx.inTransaction).toBe(true);
      await addWatch(tx, 'kept');
    });
    await expect(
      store.transaction(async (tx) => {
        await addWatch(tx, 'bob');
        expect(await watchIds(tx)).toEqual(['bob', 'kept']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.inTransaction).toBe(false);
    expect(await watchIds(store)).toEqual(['kept']);
  });

  it('joins a nested transaction to the outer one', async () => {
    const store = await open();
    await expect(
      store.transaction(async (tx) => {
        await tx.transaction(async (inner) => addWatch(inner, 'inner'));
        await addWatch(tx, 'outer');
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await watchIds(store)).toEqual([]);
  });

  it('refuses the outer store inside a transaction instead of running outside it', async () => {
    const store = await open();
    await expect(store.transaction(async () => store.all(sql`select 1 as one`))).rejects.toThrow(
      /transaction's store/,
    );
    await expect(
      store.transaction(async () => {
        await store.db.select().from(store.t.watches);
      }),
    ).rejects.toThrow(/transaction's store/);
  });

  it('refuses the SQLite-only synchronous calls and the raw client', async () => {
    const store = await open();
    const db = store.db as unknown as Record<string, unknown>;
    expect(() => db.$client).toThrow(/await the statement/);
    expect(() => store.db.select().from(store.t.watches).all()).toThrow(/await the statement/);
  });

  it('refuses to be closed through a transaction', async () => {
    const store = await open();
    await expect(store.transaction((tx) => tx.close())).rejects.toThrow(/outer store/);
  });
});

forEachStore('database errors', (open) => {
  it('are recognised as unique violations on both dialects, raw or through the builder', async () => {
    const store = await open();
    await addWatch(store, 'alice');
    const viaBuilder = await addWatch(store, 'alice').then(
      () => null,
      (e: unknown) => e,
    );
    const viaRaw = await store
      .run(sql`insert into watches (id, definition, created_at, updated_at) values ('alice', '{}', 1, 1)`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(viaBuilder)).toBe(true);
    expect(isUniqueViolation(viaRaw)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});
