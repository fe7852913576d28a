import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe } from 'vitest';
import pg from 'pg';
import { redactDatabaseUrl } from '../../src/config/database-url.ts';
import { migratePg, openPgStore, PG_MIGRATIONS_DIR } from '../../src/db/pg-store.ts';
import { openSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Dialect, Store } from '../../src/db/store.ts';

// PostgreSQL for the tests: a real server (CI starts one, see .ci/run), one database per test.
// When the server cannot be reached the tests fail with the reason: a skipped PostgreSQL suite
// would hide every dialect bug.

export const TEST_PG_URL = process.env.VIGIE_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshPgDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops the database (closing what is still connected to it). */
  drop(): Promise<void>;
}

async function adminQuery(text: string | string[]): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for the tests is not reachable at ${redactDatabaseUrl(TEST_PG_URL)} (set VIGIE_TEST_PG_URL; .ci/run starts a server): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    for (const q of Array.isArray(text) ? text : [text]) await client.query(q);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database (`vigie_t_<random>`) on the test server: empty, or with
 * `migrated` a copy of a template database migrated once per content of migrations-pg/ (cheaper
 * than migrating each test's database).
 */
export async function freshPgDatabase(options: { migrated?: boolean } = {}): Promise<FreshPgDatabase> {
  const name = `vigie_t_${randomBytes(6).toString('hex')}`;
  if (options.migrated) {
    const template = await migratedTemplate();
    // Under the template's lock: a copy fails while another session is connected to its source.
    await adminQuery([
      `select pg_advisory_lock(${TEMPLATE_LOCK})`,
      `create database ${name} template ${template}`,
      `select pg_advisory_unlock(${TEMPLATE_LOCK})`,
    ]);
  } else {
    await adminQuery(`create database ${name}`);
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

const TEMPLATE_LOCK = 7_311_002_900;
let templateName: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  templateName ??= (async () => {
    const hash = createHash('sha256');
    for (const f of readdirSync(PG_MIGRATIONS_DIR)
      .filter((n) => n.endsWith('.sql'))
      .sort())
      hash.update(f).update(readFileSync(path.join(PG_MIGRATIONS_DIR, f)));
    const name = `vigie_tpl_${hash.digest('hex').slice(0, 16)}`;
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect().catch((error: Error) => {
      throw new Error(
        `PostgreSQL for the tests is not reachable at ${redactDatabaseUrl(TEST_PG_URL)} (set VIGIE_TEST_PG_URL; .ci/run starts a server): ${error.message}`,
        { cause: error },
      );
    });
    try {
      await client.query(`select pg_advisory_lock(${TEMPLATE_LOCK})`);
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        // Built under another name and renamed when complete: an interrupted run leaves no
        // half-migrated template behind.
        const building = `${name}_b${randomBytes(3).toString('hex')}`;
        await client.query(`create database ${building}`);
        const url = new URL(TEST_PG_URL);
        url.pathname = `/${building}`;
        await migratePg(url.toString());
        await client.query(`alter database ${building} rename to ${name}`);
      }
      await client.query(`select pg_advisory_unlock(${TEMPLATE_LOCK})`);
    } finally {
      await client.end();
    }
    return name;
  })();
  return templateName;
}

/**
 * Declares the same tests for both stores: `open()` gives a fresh, migrated store (an in-memory
 * SQLite database, or a new PostgreSQL database), closed and dropped after each test.
 */
export function forEachStore(
  name: string,
  body: (open: () => Promise<Store>, dialect: Dialect) => void,
): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describe(`${name} [${dialect}]`, () => {
      const cleanups: Array<() => Promise<void>> = [];
      afterEach(async () => {
        for (const c of cleanups.splice(0).reverse()) await c();
      });
      body(async () => {
        if (dialect === 'sqlite') {
          const store = openSqliteStore(':memory:');
          cleanups.push(() => store.close());
          return store;
        }
        const database = await freshPgDatabase({ migrated: true });
        cleanups.push(() => database.drop());
        const store = await openPgStore(database.url);
        cleanups.push(() => store.close());
        return store;
      }, dialect);
    });
  }
}
