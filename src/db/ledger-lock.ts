import { sql } from 'drizzle-orm';
import type { Store } from './store.ts';

/**
 * The transaction-level advisory lock every ledger append takes on PostgreSQL: the same key as the
 * ledger repository's lockForAppend ("VIGILEDG" in ASCII), so both take one and the same lock.
 */
const LEDGER_APPEND_LOCK = '6217579153584374855';

/**
 * Makes ledger appends of every process take turns, so each reads the head that the previous
 * append left and the hash chain never forks. Call it inside the appending transaction, before
 * reading the head: on PostgreSQL it takes an advisory lock released at commit or rollback; on
 * SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE).
 */
export async function serialiseLedgerAppends(tx: Store): Promise<void> {
  if (!tx.inTransaction) throw new Error('serialiseLedgerAppends must run inside the appending transaction');
  if (tx.dialect !== 'postgres') return;
  await tx.run(sql`select pg_advisory_xact_lock(${sql.raw(LEDGER_APPEND_LOCK)})`);
}
