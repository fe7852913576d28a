import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DrizzleQueryError, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool, PoolConfig, QueryResult } from 'pg';
import { redactDatabaseUrl } from '../config/database-url.ts';
import * as schemaPg from './schema-pg/index.ts';
import type { Store, Tables } from './store.ts';
import { guardedBuilder } from './guarded-builder.ts';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations-pg', import.meta.url));

/** Held (session-level) while migrating: processes starting together migrate once, one after the other. */
const MIGRATION_LOCK = 7_311_002_001;

export interface OpenPgStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Connections kept open at most (default 10). */
  maxConnections?: number;
  /** Every transaction read-only (commands that only read); implies no migration. */
  readonly?: boolean;
}

type PgDb = NodePgDatabase<typeof schemaPg>;

/**
 * The PostgreSQL store: a connection pool, drizzle's node-postgres builder over schema-pg's
 * tables. `pg` is imported here only, when `database.url` selects PostgreSQL, so an installation
 * on the embedded SQLite file never loads it.
 */
export async function openPgStore(url: string, options: OpenPgStoreOptions = {}): Promise<Store> {
  const pg = await loadPg();
  if (options.migrate !== false && !options.readonly) await migratePg(url);
  const pool = new pg.Pool({
    ...poolConfig(url, options.maxConnections ?? 10),
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection that fails (server restart) must not crash the process: the pool drops it
  // and the next query opens a new one.
  pool.on('error', () => undefined);
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const db = drizzle(pool, { schema: schemaPg });
  return createPgStore(db, pool);
}

/**
 * Applies pending migrations under a session advisory lock, on a connection of its own: a second
 * process waits for the first to finish, then finds nothing left to apply. Returns how many
 * migrations this call applied.
 */
export async function migratePg(url: string): Promise<{ applied: number }> {
  const pg = await loadPg();
  const client = new pg.Client(poolConfig(url, 1));
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${redactDatabaseUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await client.query(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      const before = await appliedMigrations(client);
      const { drizzle } = await import('drizzle-orm/node-postgres');
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
      return { applied: (await appliedMigrations(client)) - before };
    } finally {
      await client.query(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.end();
  }
}

/** How many migrations the journal of migrations-pg/ lists (tests compare with the database). */
export function pgMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedMigrations(client: { query: (q: string) => Promise<QueryResult> }): Promise<number> {
  const exists = await client.query(`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!(exists.rows[0] as { ok: boolean }).ok) return 0;
  const r = await client.query('select count(*) as n from drizzle.__drizzle_migrations');
  return Number((r.rows[0] as { n: unknown }).n);
}

let pgModule: typeof import('pg') | undefined;

async function loadPg(): Promise<typeof import('pg')> {
  if (pgModule) return pgModule;
  const mod = await import('pg');
  const pg = (mod as unknown as { default?: typeof import('pg') }).default ?? mod;
  // Times are epoch milliseconds in int8 columns and counts are int8: read them as numbers, as
  // SQLite gives them (every value Vigie stores is far below 2^53). drizzle's session falls back to
  // the global parsers for these types, so they are set there, once.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
  // sum() and avg() of integers are numeric.
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));
  pgModule = pg;
  return pg;
}

function poolConfig(url: string, max: number): PoolConfig {
  return { connectionString: url, max, application_name: 'vigie' };
}

function createPgStore(db: PgDb, pool: Pool): Store {
  // Which async flow is inside a transaction: the outer store used there would run on another
  // connection, outside the transaction (and could wait forever on a row the transaction locked).
  const insideTx = new AsyncLocalStorage<true>();
  const t = schemaPg as unknown as Tables;

  function raw(run: (q: SQL) => Promise<QueryResult>, check: () => void) {
    // The driver's own error (with its `code`, e.g. 23505), as SQLite's raw statements throw it,
    // rather than drizzle's wrapper around it.
    const exec = (q: SQL) =>
      run(q).catch((error: unknown) => {
        throw error instanceof DrizzleQueryError && error.cause instanceof Error ? error.cause : error;
      });
    return {
      all: async <T>(query: SQL) => {
        check();
        return (await exec(query)).rows as T[];
      },
      get: async <T>(query: SQL) => {
        check();
        return (await exec(query)).rows[0] as T | undefined;
      },
      run: async (query: SQL) => {
        check();
        const result = await exec(query);
        return { changes: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0) };
      },
    };
  }

  const outsideOnly = () => {
    if (insideTx.getStore())
      throw new Error("inside a transaction, use the transaction's store (tx), not the outer one");
  };

  function txStoreOf(tx: PgDb): Store {
    const txStore: Store = {
      dialect: 'postgres',
      db: guardedBuilder(tx, (execute) => execute()),
      t,
      ...raw(
        (q) => tx.execute(q) as Promise<QueryResult>,
        () => undefined,
      ),
      transaction: (fn) => fn(txStore),
      inTransaction: true,
      close: () => Promise.reject(new Error('close the outer store, not a transaction')),
    };
    return txStore;
  }

  let closed = false;
  const store: Store = {
    dialect: 'postgres',
    db: guardedBuilder(db, (execute) =>
      Promise.resolve().then(() => {
        outsideOnly();
        return execute();
      }),
    ),
    t,
    ...raw((q) => db.execute(q) as Promise<QueryResult>, outsideOnly),
    inTransaction: false,
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      outsideOnly();
      return db.transaction((tx) => insideTx.run(true, () => fn(txStoreOf(tx as unknown as PgDb))));
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}
