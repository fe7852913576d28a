// Recognising database errors the same way on both dialects. drizzle wraps a builder statement's
// error (DrizzleQueryError, the driver's error as `cause`); raw statements throw the driver's own.

function driverErrors(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = error;
  while (e && typeof e === 'object' && chain.length < 5) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/** A unique or primary-key violation (SQLite's SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY, PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return driverErrors(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  });
}

/** PostgreSQL aborted the transaction to break a deadlock (40P01); SQLite never reports one. */
export function isDeadlock(error: unknown): boolean {
  return driverErrors(error).some((e) => (e as { code?: unknown }).code === '40P01');
}
