import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';

// SQL of the ledger-head timestamps: the tokens kept per authority and ledger row.

export interface LedgerTimestampRow {
  id: number;
  ledgerId: number;
  ledgerHash: string;
  authority: string;
  token: Buffer;
  genTime: number;
  createdAt: number;
}

const COLUMNS = sql.raw(`id, ledger_id as "ledgerId", ledger_hash as "ledgerHash", authority, token,
  gen_time as "genTime", created_at as "createdAt"`);

export function createLedgerTimestampsRepo(store: Store) {
  return {
    async add(row: Omit<LedgerTimestampRow, 'id'>): Promise<void> {
      await store.run(
        sql`insert into ledger_timestamps (ledger_id, ledger_hash, authority, token, gen_time, created_at)
            values (${row.ledgerId}, ${row.ledgerHash}, ${row.authority}, ${row.token}, ${row.genTime}, ${row.createdAt})`,
      );
    },
    /** The authorities that already time-stamped this ledger row. */
    async authoritiesFor(ledgerId: number): Promise<Set<string>> {
      const rows = await store.all<{ authority: string }>(
        sql`select authority from ledger_timestamps where ledger_id = ${ledgerId}`,
      );
      return new Set(rows.map((r) => r.authority));
    },
    /** Tokens on ledger rows `from`..`to` (inclusive), oldest first. */
    between(from: number, to: number): Promise<LedgerTimestampRow[]> {
      return store.all<LedgerTimestampRow>(
        sql`select ${COLUMNS} from ledger_timestamps where ledger_id between ${from} and ${to} order by ledger_id, id`,
      );
    },
  };
}

export type LedgerTimestampsRepo = ReturnType<typeof createLedgerTimestampsRepo>;
