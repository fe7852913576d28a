import { pgTable, text, integer, bigint, index } from 'drizzle-orm/pg-core';
import { bytea } from './column-types.ts';

// RFC 3161 tokens on the custody ledger's head: each time-stamps the hash of one ledger row, and
// through the hash chain every row before it (posts captured, archives, reviews, reports, browser
// captures and their file hashes). One row per authority and head; the tokens are kept as received.

export const ledgerTimestamps = pgTable(
  'ledger_timestamps',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** The ledger row whose hash was time-stamped. */
    ledgerId: integer('ledger_id').notNull(),
    /** That row's hash (hex), the token's imprint. */
    ledgerHash: text('ledger_hash').notNull(),
    /** The authority's URL. */
    authority: text('authority').notNull(),
    /** The DER TimeStampResp, as the authority answered. */
    token: bytea('token').notNull(),
    /** The authority's time (epoch ms), from the token. */
    genTime: bigint('gen_time', { mode: 'number' }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('ledger_timestamps_ledger').on(t.ledgerId, t.authority)],
);
