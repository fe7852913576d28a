import { sql } from 'drizzle-orm';
import { chainHash, contentHash, GENESIS_HASH } from '../ledger/ledger-hash.ts';
import type { LedgerRow } from '../ledger/ledger-repo.ts';
import type { Store } from '../store.ts';

export interface LedgerCheck {
  rows: number;
  /** The last row's hash (the genesis hash when the ledger is empty). */
  head: string;
  /** The first row whose chain is broken, if any. */
  broken: { id: number; reason: string } | null;
}

const PAGE = 1000;

/**
 * Walks the custody ledger in id order, page by page (constant memory), recomputing each row's
 * hash as `vigie ledger verify` does: the same chain read from two databases gives the same head.
 */
export async function checkLedger(store: Store): Promise<LedgerCheck> {
  let rows = 0;
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let broken: LedgerCheck['broken'] = null;
  let last = 0;
  for (;;) {
    const page = await store.all<LedgerRow>(
      sql`select id, at, type, watch_id as "watchId", post_id as "postId", actor, data, prev_hash as "prevHash", hash
          from evidence_events where id > ${last} order by id limit ${PAGE}`,
    );
    for (const row of page) {
      rows++;
      const problem =
        row.id !== expectedId
          ? `expected row ${expectedId}, found row ${row.id}`
          : row.prevHash !== prevHash
            ? "prev_hash differs from the previous row's hash"
            : chainHash(row.prevHash, contentHash(row)) !== row.hash
              ? "the hash does not match the row's content"
              : null;
      if (problem && !broken) broken = { id: row.id, reason: problem };
      prevHash = row.hash;
      expectedId = row.id + 1;
      last = row.id;
    }
    if (page.length < PAGE) break;
  }
  return { rows, head: prevHash, broken };
}
