import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openStore } from '../../src/db/open-store.ts';
import type { Store } from '../../src/db/store.ts';
import { freshPgDatabase } from '../helpers/pg.ts';
import { tempDir } from '../helpers/temp.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function opened(store: Promise<Store>): Promise<Store> {
  const s = await store;
  cleanups.push(() => s.close());
  return s;
}

describe('openStore', () => {
  it('opens the SQLite file in dataDir when no database URL is set', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = await opened(openStore({ dataDir: t.dir, database: {} }));
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(path.join(t.dir, 'vigie.db'))).toBe(true);
    expect(await store.get(sql`select count(*) as n from posts`)).toEqual({ n: 0 });
  });

  it('opens (and migrates) PostgreSQL when database.url is a postgres:// URL, read-only on request', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const database = await freshPgDatabase();
    cleanups.push(() => database.drop());
    const store = await opened(openStore({ dataDir: t.dir, database: { url: database.url } }));
    expect(store.dialect).toBe('postgres');
    expect(await store.get(sql`select count(*) as n from posts`)).toEqual({ n: 0 });
    expect(existsSync(path.join(t.dir, 'vigie.db'))).toBe(false);

    const reader = await opened(
      openStore({ dataDir: t.dir, database: { url: database.url } }, { readonly: true }),
    );
    await expect(
      reader.run(sql`insert into watches (id, definition, created_at, updated_at) values ('w', '{}', 1, 1)`),
    ).rejects.toThrow(/read-only/);
  });
});
