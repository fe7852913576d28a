import { AsyncLocalStorage } from 'node:async_hooks';
import type { Statement } from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { closeDb, openDb, type Db, type OpenDbOptions } from './client.ts';
import * as schema from './schema/index.ts';
import type { Store } from './store.ts';
import { guardedBuilder } from './guarded-builder.ts';

/**
 * The embedded store: one better-sqlite3 connection per process. SQLite runs statements
 * synchronously, but a transaction's body is async (the repositories are shared with
 * PostgreSQL), so other work of the process could run in the middle of it and land inside it.
 * A process-wide gate prevents that: a transaction holds it from BEGIN to COMMIT, and every
 * statement made outside a transaction waits for it.
 */
export function createSqliteStore(db: Db): Store {
  const client = db.$client;
  const dialect = new SQLiteSyncDialect();
  const gate = createGate();
  // Which async flow holds the open transaction: the outer store used from inside it would wait
  // for the transaction to end, forever.
  const insideTx = new AsyncLocalStorage<true>();
  const statements = new Map<string, Statement>();

  function prepared(query: SQL): { stmt: Statement; params: unknown[] } {
    const compiled = dialect.sqlToQuery(query);
    let stmt = statements.get(compiled.sql);
    if (!stmt) {
      stmt = client.prepare(compiled.sql);
      if (statements.size > 500) statements.clear();
      statements.set(compiled.sql, stmt);
    }
    return { stmt, params: compiled.params.map(toSqliteParam) };
  }

  function raw(gated: boolean) {
    const guard = <T>(work: () => T): Promise<T> => (gated ? outside(work) : Promise.resolve().then(work));
    return {
      all: <T>(query: SQL) =>
        guard(() => {
          const { stmt, params } = prepared(query);
          return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
        }),
      get: <T>(query: SQL) =>
        guard(() => {
          const { stmt, params } = prepared(query);
          return (stmt.reader ? stmt.get(...params) : (stmt.run(...params), undefined)) as T | undefined;
        }),
      run: (query: SQL) =>
        guard(() => {
          const { stmt, params } = prepared(query);
          if (stmt.reader) {
            stmt.all(...params);
            return { changes: 0 };
          }
          return { changes: stmt.run(...params).changes };
        }),
    };
  }

  /** Runs a statement made outside any transaction, once no transaction is open. */
  function outside<T>(work: () => T): Promise<T> {
    if (insideTx.getStore())
      return Promise.reject(
        new Error("inside a transaction, use the transaction's store (tx), not the outer one"),
      );
    return gate.run(async () => work());
  }

  const txStore: Store = {
    dialect: 'sqlite',
    db: guardedBuilder(db, (execute) => execute()),
    t: schema,
    ...raw(false),
    transaction: (fn) => fn(txStore),
    inTransaction: true,
    close: () => Promise.reject(new Error('close the outer store, not a transaction')),
  };

  const store: Store = {
    dialect: 'sqlite',
    db: guardedBuilder(db, outside),
    t: schema,
    ...raw(true),
    inTransaction: false,
    transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (insideTx.getStore()) return fn(txStore);
      return gate.run(async () => {
        // IMMEDIATE takes the write lock now: another process writing waits (busy_timeout)
        // instead of failing later at the first write.
        client.exec('BEGIN IMMEDIATE');
        try {
          const result = await insideTx.run(true, () => fn(txStore));
          client.exec('COMMIT');
          return result;
        } catch (error) {
          if (client.inTransaction) client.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async close() {
      await gate.run(async () => closeDb(db));
    },
  };
  return store;
}

/** Opens the SQLite file (creating and migrating it) as a store. */
export function openSqliteStore(file: string, options: OpenDbOptions = {}): Store {
  return createSqliteStore(openDb(file, options));
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null only. */
function toSqliteParam(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** A FIFO mutex: one holder at a time, in arrival order. */
function createGate() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      const result = tail.then(work, work);
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
  };
}
