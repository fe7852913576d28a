import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryOnDeadlock } from '../../src/db/deadlock-retry.ts';
import { openPgStore } from '../../src/db/pg-store.ts';
import type { Store } from '../../src/db/store.ts';
import { freshPgDatabase, type FreshPgDatabase } from '../helpers/pg.ts';

// A real deadlock on PostgreSQL: two sessions each lock one row, then want the other's. The server
// aborts one of them; retryOnDeadlock runs that one again, so both updates land.
describe('retryOnDeadlock (PostgreSQL)', () => {
  let database: FreshPgDatabase;
  let first: Store;
  let second: Store;

  beforeAll(async () => {
    database = await freshPgDatabase();
    first = await openPgStore(database.url, { migrate: false, maxConnections: 1 });
    second = await openPgStore(database.url, { migrate: false, maxConnections: 1 });
    await first.run(sql`create table counters (id int primary key, n int not null)`);
    await first.run(sql`insert into counters values (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('runs again the transaction the server aborted to break a deadlock, and both land', async () => {
    let attempts = 0;
    // Each side's first attempt waits until both hold their first row: the cycle is certain.
    let holding = 0;
    const bothHolding = async () => {
      holding++;
      while (holding < 2) await new Promise((r) => setTimeout(r, 5));
    };
    const side = (store: Store, firstRow: number, otherRow: number) =>
      retryOnDeadlock(store, () =>
        store.transaction(async (tx) => {
          attempts++;
          await tx.run(sql`update counters set n = n + 1 where id = ${firstRow}`);
          if (attempts <= 2) await bothHolding();
          await tx.run(sql`update counters set n = n + 1 where id = ${otherRow}`);
        }),
      );
    await Promise.all([side(first, 1, 2), side(second, 2, 1)]);
    expect(attempts).toBe(3);
    const rows = await first.all<{ id: number; n: number }>(sql`select id, n from counters order by id`);
    expect(rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('leaves other errors, and a deadlock inside an outer transaction, to the caller', async () => {
    let runs = 0;
    const failing = retryOnDeadlock(first, () => {
      runs++;
      return Promise.reject(Object.assign(new Error('unique violation'), { code: '23505' }));
    });
    await expect(failing).rejects.toThrow('unique violation');
    expect(runs).toBe(1);
    await expect(
      first.transaction((tx) =>
        retryOnDeadlock(tx, () => {
          runs++;
          return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
        }),
      ),
    ).rejects.toThrow('deadlock detected');
    expect(runs).toBe(2);
  });
});
