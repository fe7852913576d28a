import type { Store } from './store.ts';

/** PostgreSQL's SQLSTATE for a transaction it aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';
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

/** The driver's error, or the query error drizzle wrapped around it. */
function isDeadlock(err: unknown): boolean {
  for (
    let e = err, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  )
    if ((e as { code?: unknown }).code === DEADLOCK_DETECTED) return true;
  return false;
}
