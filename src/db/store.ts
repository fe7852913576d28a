import type { SQL } from 'drizzle-orm';
import type { Db } from './client.ts';
import type * as schema from './schema/index.ts';

/**
 * The store every repository receives: the embedded SQLite file (default) or a PostgreSQL server
 * (`database.url`). Repositories keep their SQL dialect inside them; callers only see async
 * methods, so the same code runs on both.
 *
 * Rules for repository code (both stores hold them; the contract suite runs on both):
 * - query-builder statements are always awaited (`await store.db.select()…`), never `.all()`,
 *   `.get()`, `.run()` (SQLite-only, refused at run time);
 * - tables come from `store.t` (the dialect's own table objects), not from a schema import;
 * - several statements that must land together go through `store.transaction(async (tx) => …)`
 *   and use `tx` (not `store`) inside; using the outer store there is an error;
 * - raw SQL through `all`/`get`/`run` with drizzle's `sql` template (parameters are bound by the
 *   dialect); booleans compare with `true`/`false`, and a raw boolean column reads as 0/1 on
 *   SQLite and true/false on PostgreSQL: read it with `Boolean(…)`;
 * - times are epoch milliseconds in both (bigint on PostgreSQL, read back as numbers).
 */
export type Dialect = 'sqlite' | 'postgres';

/** The tables, under the same names and column keys in both dialects (schema/ and schema-pg/). */
export type Tables = typeof schema;

export interface Store {
  readonly dialect: Dialect;
  /**
   * The query builder. Typed as the SQLite builder; on PostgreSQL it is drizzle's pg builder
   * (same method names for what repositories use), paired with `t`'s pg tables.
   */
  readonly db: Db;
  readonly t: Tables;
  /** Every row of a raw query, keyed by the selected column names (or aliases). */
  all<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** The first row of a raw query, if any. */
  get<T = Record<string, unknown>>(query: SQL): Promise<T | undefined>;
  /** A raw statement; how many rows it changed. */
  run(query: SQL): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one transaction (committed when it resolves, rolled back when it throws).
   * Inside, `tx` is the only store to use; a nested call joins the same transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** True inside a transaction's store. */
  readonly inTransaction: boolean;
  close(): Promise<void>;
}
