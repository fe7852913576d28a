import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { chainHash, contentHash, GENESIS_HASH } from '../../src/db/ledger/ledger-hash.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createLedgerRepo } from '../../src/db/ledger/ledger-repo.ts';
import { openPgStore } from '../../src/db/pg-store.ts';
import type { Store } from '../../src/db/store.ts';
import { forEachStore, freshPgDatabase, type FreshPgDatabase } from '../helpers/pg.ts';

// The custody ledger's guarantees that the database itself gives, on both dialects.

async function appendOne(tx: Store, watchId: string): Promise<{ id: number; hash: string }> {
  const head = await tx.get<{ id: number; hash: string }>(
    sql`select id, hash from evidence_events order by id desc limit 1`,
  );
  const content = {
    id: (head?.id ?? 0) + 1,
    at: 1_700_000_000_000,
    type: 'captured',
    watchId,
    postId: null,
    actor: 'system',
    data: '{}',
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, contentHash(content));
  await tx.db.insert(tx.t.evidenceEvents).values({ ...content, prevHash, hash });
  return { id: content.id, hash };
}

const { lockForAppend } = createLedgerRepo();

forEachStore('the custody ledger table', (open) => {
  it('refuses UPDATE and DELETE', async () => {
    const store = await open();
    await store.transaction((tx) => appendOne(tx, 'w'));
    await expect(store.run(sql`update evidence_events set actor = ${'someone'}`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(store.run(sql`delete from evidence_events`)).rejects.toThrow(/append-only: DELETE refused/);
    const rows = await store.all<{ actor: string }>(sql`select actor from evidence_events`);
    expect(rows).toEqual([{ actor: 'system' }]);
  });

  it('lockForAppend is for the appending transaction only', async () => {
    const store = await open();
    await expect(lockForAppend(store)).rejects.toThrow(/inside the appending transaction/);
    await store.transaction(async (tx) => {
      await lockForAppend(tx);
      await appendOne(tx, 'w');
    });
    expect((await store.get<{ n: number }>(sql`select count(*) as n from evidence_events`))?.n).toBe(1);
  });
});

describe('ledger appends on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function twoProcessesOn(): Promise<[Store, Store, FreshPgDatabase]> {
    const database = await freshPgDatabase({ migrated: true });
    cleanups.push(() => database.drop());
    const a = await openPgStore(database.url);
    cleanups.push(() => a.close());
    const b = await openPgStore(database.url);
    cleanups.push(() => b.close());
    return [a, b, database];
  }

  it('take turns: the second append waits for the first and chains onto it, never forking', async () => {
    const [a, b] = await twoProcessesOn();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    let firstHolds!: () => void;
    const firstHasLock = new Promise<void>((r) => (firstHolds = r));

    const first = a.transaction(async (tx) => {
      await lockForAppend(tx);
      const row = await appendOne(tx, 'w');
      firstHolds();
      await firstMayCommit;
      return row;
    });
    await firstHasLock;
    const second = b.transaction(async (tx) => {
      await lockForAppend(tx);
      return appendOne(tx, 'w');
    });
    // The second is waiting for the advisory lock (seen from the server), not reading the head.
    for (;;) {
      const waiting = await a.get<{ n: number }>(
        sql`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`,
      );
      if (waiting?.n === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    releaseFirst();
    const [r1, r2] = await Promise.all([first, second]);
    expect([r1.id, r2.id]).toEqual([1, 2]);
    const rows = await a.all<{ id: number; prevHash: string; hash: string }>(
      sql`select id, prev_hash as "prevHash", hash from evidence_events order by id`,
    );
    expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, r1.hash]);
  });

  it('from two processes appending at once keep one chain (the ledger itself)', async () => {
    const [a, b] = await twoProcessesOn();
    const la = createLedger(a);
    const lb = createLedger(b);
    const appends = (ledger: typeof la, actor: string) =>
      Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          ledger.append([
            { type: 'captured', watchId: 'w', actor, data: { i } },
            { type: 'scored', watchId: 'w', actor, data: { i } },
          ]),
        ),
      );
    await Promise.all([appends(la, 'a'), appends(lb, 'b')]);
    const verification = await la.verify();
    expect(verification).toMatchObject({ ok: true, rows: 60 });
  });
});
