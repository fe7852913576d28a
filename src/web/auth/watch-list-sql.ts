import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.ts';

// An account's watches read in the same statement as the account (sessions, invitations, the
// People page): one aggregate per row instead of one query per account.

/** The watch ids of the user whose id is `userId` (an SQL expression), as one column. */
export function watchIdsOfUserSql(store: Pick<Store, 'dialect'>, userId: SQL): SQL {
  // SQLite joins them with NUL (no watch id holds one); PostgreSQL text cannot hold NUL, and
  // gives an array instead.
  return store.dialect === 'sqlite'
    ? sql`(select group_concat(w.watch_id, char(0)) from user_watches w where w.user_id = ${userId})`
    : sql`(select array_agg(w.watch_id) from user_watches w where w.user_id = ${userId})`;
}

/** The column `watchIdsOfUserSql` read, sorted. */
export function parseWatchIds(value: unknown): string[] {
  if (Array.isArray(value)) return (value as string[]).slice().sort();
  return typeof value === 'string' && value ? value.split('\u0000').sort() : [];
}
