import { sql } from 'drizzle-orm';
import type { Store } from '../store.ts';

// SQL of the custody ledger. Ingest appends two rows per new post: one multi-row insert per batch.

export interface LedgerRow {
  id: number;
  at: number;
  type: string;
  watchId: string;
  postId: number | null;
  actor: string;
  data: string;
  prevHash: string;
  hash: string;
}

const COLUMNS = sql.raw(
  'id, at, type, watch_id as "watchId", post_id as "postId", actor, data, prev_hash as "prevHash", hash',
);

/** A key of PostgreSQL's advisory locks reserved for appends to the chain ("VIGILEDG" in ASCII). */
const LEDGER_APPEND_LOCK = sql.raw('6217579153584374855');

/** Rows read per round trip when the whole chain is walked (verification, export). */
const PAGE = 1000;

/** Rows inserted per statement (SQLite binds at most 32,766 parameters; 9 per row). */
const INSERT_BATCH = 500;

export function createLedgerRepo() {
  return {
    /**
     * Inside an appending transaction, before the head is read: makes concurrent appenders take
     * turns, so two of them never chain to the same head. SQLite's BEGIN IMMEDIATE already lets one
     * writer at a time; PostgreSQL needs the lock (held until the transaction ends).
     */
    async lockForAppend(tx: Store): Promise<void> {
      // Outside a transaction the lock would be released as soon as it is taken.
      if (!tx.inTransaction) throw new Error('lockForAppend must run inside the appending transaction');
      if (tx.dialect === 'postgres') await tx.run(sql`select pg_advisory_xact_lock(${LEDGER_APPEND_LOCK})`);
    },
    head: (store: Store) =>
      store.get<{ id: number; hash: string }>(
        sql`select id, hash from evidence_events order by id desc limit 1`,
      ),
    async insert(tx: Store, rows: readonly LedgerRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const values = rows
          .slice(i, i + INSERT_BATCH)
          .map(
            (r) =>
              sql`(${r.id}, ${r.at}, ${r.type}, ${r.watchId}, ${r.postId}, ${r.actor}, ${r.data}, ${r.prevHash}, ${r.hash})`,
          );
        await tx.run(
          sql`insert into evidence_events (id, at, type, watch_id, post_id, actor, data, prev_hash, hash) values ${sql.join(values, sql`, `)}`,
        );
      }
    },
    forPost: (store: Store, postId: number) =>
      store.all<LedgerRow>(sql`select ${COLUMNS} from evidence_events where post_id = ${postId} order by id`),
    /** Every row from `fromId` on, in order, a page at a time (constant memory on both stores). */
    async *iterateFrom(store: Store, fromId: number): AsyncGenerator<LedgerRow> {
      let next = fromId;
      for (;;) {
        const rows = await store.all<LedgerRow>(
          sql`select ${COLUMNS} from evidence_events where id >= ${next} order by id limit ${PAGE}`,
        );
        yield* rows;
        if (rows.length < PAGE) return;
        next = Number(rows[rows.length - 1]!.id) + 1;
      }
    },
    async firstIdOfWatch(store: Store, watchId: string): Promise<number | undefined> {
      const row = await store.get<{ id: number | null }>(
        sql`select min(id) as id from evidence_events where watch_id = ${watchId}`,
      );
      return row?.id ?? undefined;
    },
    ofWatchAndType: (store: Store, watchId: string, type: string) =>
      store.all<LedgerRow>(
        sql`select ${COLUMNS} from evidence_events where watch_id = ${watchId} and type = ${type} order by id`,
      ),
  };
}

export type LedgerRepo = ReturnType<typeof createLedgerRepo>;
