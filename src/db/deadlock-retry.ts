import { isDeadlock } from './db-errors.ts';
import type { Store } from './store.ts';

const ATTEMPTS = 3;

/**
 * Runs `work` (one whole transaction) again when PostgreSQL aborted it to break a deadlock: the
 * aborted attempt left nothing behind, and the other transaction went through. Only for work with
 * no effect outside the database, and never inside an outer transaction (the abort ended that one
 * too). SQLite takes one writer at a time and never reports one.
 */
export async function retryOnDeadlock<T>(store: Store, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isDeadlock(err) || store.inTransaction || attempt >= ATTEMPTS) throw err;
    }
  }
}

