import type { Db } from '../db/client.ts';

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

const COLUMNS = `id, ledger_id as ledgerId, ledger_hash as ledgerHash, authority, token, gen_time as genTime,
  created_at as createdAt`;

export function createLedgerTimestampsRepo(db: Db) {
  const client = db.$client;
  const insert = client.prepare(
    `insert into ledger_timestamps (ledger_id, ledger_hash, authority, token, gen_time, created_at)
     values (?, ?, ?, ?, ?, ?)`,
  );
  const stampedBy = client.prepare(`select authority from ledger_timestamps where ledger_id = ?`);
  const inRange = client.prepare(
    `select ${COLUMNS} from ledger_timestamps where ledger_id between ? and ? order by ledger_id, id`,
  );
  return {
    add(row: Omit<LedgerTimestampRow, 'id'>): void {
      insert.run(row.ledgerId, row.ledgerHash, row.authority, row.token, row.genTime, row.createdAt);
    },
    /** The authorities that already time-stamped this ledger row. */
    authoritiesFor(ledgerId: number): Set<string> {
      return new Set((stampedBy.all(ledgerId) as { authority: string }[]).map((r) => r.authority));
    },
    /** Tokens on ledger rows `from`..`to` (inclusive), oldest first. */
    between(from: number, to: number): LedgerTimestampRow[] {
      return inRange.all(from, to) as LedgerTimestampRow[];
    },
  };
}

export type LedgerTimestampsRepo = ReturnType<typeof createLedgerTimestampsRepo>;
