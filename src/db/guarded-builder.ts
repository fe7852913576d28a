import type { Db } from './client.ts';

/** SQLite-only synchronous calls, and what repositories must not reach past the store. */
const REFUSED = new Set(['all', 'get', 'run', 'iterate', '$client', 'transaction']);

/**
 * The query builder as repositories see it, on both stores: awaiting a statement executes it
 * through `run` (the SQLite store's gate, the PostgreSQL store's transaction check); the
 * SQLite-only synchronous calls are refused, so a repository that would work on one store and
 * fail on the other fails on both.
 */
export function guardedBuilder(db: object, run: (execute: () => Promise<unknown>) => Promise<unknown>): Db {
  const wrap = (target: object): object =>
    new Proxy(target, {
      get(obj, prop) {
        if (typeof prop === 'string' && REFUSED.has(prop))
          throw new Error(
            `store.db.${prop}: await the statement instead (repositories run on SQLite and PostgreSQL)`,
          );
        const value = Reflect.get(obj, prop, obj) as unknown;
        // The relational API (`db.query.posts.findMany()`) is an object of builders.
        if (prop === 'query' && value !== null && typeof value === 'object') return wrap(value);
        // drizzle recognises its objects by their constructor: pass it through untouched.
        if (typeof value !== 'function' || prop === 'constructor') return value;
        if (prop === 'then')
          return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) =>
            run(
              () =>
                new Promise((resolve, reject) => {
                  (value as (a: unknown, b: unknown) => unknown).call(obj, resolve, reject);
                }),
            ).then(onFulfilled, onRejected);
        return (...args: unknown[]) => {
          const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
          return out !== null && typeof out === 'object' && !(out instanceof Promise) ? wrap(out) : out;
        };
      },
    });
  return wrap(db) as Db;
}
