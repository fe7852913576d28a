import { pgTable, text, integer, bigint, doublePrecision, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { watches } from './core.ts';

/**
 * A watch's private information (phones, e-mails, addresses…), AES-256-GCM encrypted with
 * security.encryptionKey. The plaintext lives nowhere in the database.
 */
export const watchPrivate = pgTable('watch_private', {
  watchId: text('watch_id')
    .primaryKey()
    .references(() => watches.id),
  /** `v1.<iv>.<tag>.<ciphertext>` (base64url), the watch id as associated data. */
  blob: text('blob').notNull(),
  /** SHA-256 of the key, first 16 hex characters: tells "wrong key" apart from "corrupted". */
  keyId: text('key_id').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** Accounts that look like the watched person's, for review. */
export const lookalikes = pgTable(
  'lookalikes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    platform: text('platform').notNull(),
    /** The platform's id of the account (DID, user id…); the handle when there is nothing better. */
    accountId: text('account_id').notNull(),
    handle: text('handle'),
    name: text('name'),
    /** What looks alike, e.g. "handle alice_m: confusable characters (а→a)". */
    reason: text('reason').notNull(),
    /** 0..1, 1 = identical once confusables are folded. */
    similarity: doublePrecision('similarity').notNull(),
    /** Where it was found: `author` (a post's author) or `search` (an account search). */
    foundBy: text('found_by').notNull(),
    /** new | confirmed | dismissed. Dismissed candidates are never shown or raised again. */
    status: text('status').notNull().default('new'),
    firstSeenAt: bigint('first_seen_at', { mode: 'number' }).notNull(),
    lastSeenAt: bigint('last_seen_at', { mode: 'number' }).notNull(),
    decidedAt: bigint('decided_at', { mode: 'number' }),
    /** Set by whoever told the proxies about it (alerts); null = not yet notified. */
    notifiedAt: bigint('notified_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('lookalikes_watch_account').on(t.watchId, t.platform, t.accountId),
    index('lookalikes_watch_status').on(t.watchId, t.status, t.similarity),
  ],
);

/** When account searches last ran per watch and platform (they are throttled). */
export const identityScans = pgTable(
  'identity_scans',
  {
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    kind: text('kind').notNull(),
    lastRunAt: bigint('last_run_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('identity_scans_watch_kind').on(t.watchId, t.kind)],
);
