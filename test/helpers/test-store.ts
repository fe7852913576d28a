import { closeDb, openDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Dialect, Store } from '../../src/db/store.ts';
import { freshPgDatabase } from './pg.ts';

/**
 * Which store the fixtures build: SQLite by default, PostgreSQL when VIGIE_TEST_STORE=postgres
 * (the `postgres` project of vitest.config.ts runs the repository and pipeline tests that way, so
 * one contract suite covers both databases).
 */
export const TEST_DIALECT: Dialect = process.env.VIGIE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestStore {
  store: Store;
  dialect: Dialect;
  /** The SQLite connection, for the few tests that look at the file itself; undefined on PostgreSQL. */
  db: Db | undefined;
  /** The configuration keys that make a service process open this same store. */
  config: { database?: { url: string } };
  close(): Promise<void>;
}

/** A fresh, migrated store for one test: a SQLite file at `file`, or a new PostgreSQL database. */
export async function openTestStore(file: string): Promise<TestStore> {
  if (TEST_DIALECT === 'postgres') {
    const database = await freshPgDatabase({ migrated: true });
    const { openPgStore } = await import('../../src/db/pg-store.ts');
    const store = await openPgStore(database.url, { migrate: false });
    return {
      store,
      dialect: 'postgres',
      db: undefined,
      config: { database: { url: database.url } },
      async close() {
        await store.close();
        await database.drop();
      },
    };
  }
  const db = openDb(file);
  const store = createSqliteStore(db);
  return {
    store,
    dialect: 'sqlite',
    db,
    config: {},
    async close() {
      await store.close();
      closeDb(db);
    },
  };
}

/**
 * The configuration keys for a service that must open a fresh store of the tested dialect
 * (nothing for SQLite: its file lives in dataDir), what drops it afterwards, and `open`: the same
 * store as a command run with these keys and `dataDir` sees it, for the test to set up or check.
 */
export async function testDatabaseConfig(): Promise<{
  config: { database?: { url: string } };
  open(dataDir: string): Promise<Store>;
  drop(): Promise<void>;
}> {
  const { openStore } = await import('../../src/db/open-store.ts');
  if (TEST_DIALECT === 'sqlite')
    return { config: {}, open: (dataDir) => openStore({ dataDir }), drop: async () => {} };
  const database = await freshPgDatabase({ migrated: true });
  const config = { database: { url: database.url } };
  return {
    config,
    open: (dataDir) => openStore({ dataDir, ...config }),
    drop: () => database.drop(),
  };
}

/** The `database:` line of a YAML configuration for these keys (none for SQLite). */
export function databaseYaml(config: { database?: { url: string } }): string[] {
  return config.database ? [`database: { url: ${JSON.stringify(config.database.url)} }`] : [];
}
