import { pgTable, text, integer, bigint, boolean, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { jsonText } from './column-types.ts';

// Times are stored as epoch milliseconds (integers): they sort and compare cheaply in SQL.

export const watches = pgTable('watches', {
  id: text('id').primaryKey(),
  /** The watch as configured (names, handles, feeds…), JSON. */
  definition: jsonText('definition').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  /** Set when the watch left the configuration; its posts and evidence are kept. */
  removedAt: bigint('removed_at', { mode: 'number' }),
  /**
   * SHA-256 of the configured definition last applied; null for a watch created in the dashboard.
   * A configured watch is re-applied only when this changes, so dashboard edits survive restarts.
   */
  configHash: text('config_hash'),
});

export const sources = pgTable(
  'sources',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    /** Adapter kind: x_mentions, x_search, feed, … */
    kind: text('kind').notNull(),
    /** What the adapter polls: a handle, a query, a feed URL. */
    target: text('target').notNull(),
    /** Opaque position of the last complete poll (newest id, time…). Advanced with the posts it covers. */
    cursor: text('cursor'),
    /** Adapter's own memo (ETag, resolved user id…), JSON. */
    state: jsonText('state').$type<Record<string, unknown>>(),
    enabled: boolean('enabled').notNull().default(true),
    lastPollAt: bigint('last_poll_at', { mode: 'number' }),
    lastSuccessAt: bigint('last_success_at', { mode: 'number' }),
    lastErrorAt: bigint('last_error_at', { mode: 'number' }),
    lastError: text('last_error'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Start of the current run of failures, to say "dead since …". */
    failingSince: bigint('failing_since', { mode: 'number' }),
    /** Partial problems reported by an otherwise successful answer (X `errors` with HTTP 200). */
    lastWarning: text('last_warning'),
    lastWarningAt: bigint('last_warning_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('sources_watch_kind_target').on(t.watchId, t.kind, t.target)],
);

export const authors = pgTable(
  'authors',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    handle: text('handle'),
    name: text('name'),
    firstSeenAt: bigint('first_seen_at', { mode: 'number' }).notNull(),
    lastSeenAt: bigint('last_seen_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('authors_platform_external').on(t.platform, t.externalId),
    index('authors_handle').on(t.handle),
  ],
);

export const posts = pgTable(
  'posts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    /** The source that saw it first. */
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    /** Where the post lives (x, web, bluesky…): the same post found by two sources is one post. */
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    url: text('url'),
    authorId: integer('author_id').references(() => authors.id),
    authorHandle: text('author_handle'),
    authorName: text('author_name'),
    text: text('text').notNull(),
    lang: text('lang'),
    createdAt: bigint('created_at', { mode: 'number' }),
    firstSeenAt: bigint('first_seen_at', { mode: 'number' }).notNull(),
    /** The payload exactly as the API answered it (JSON or XML text). */
    raw: text('raw').notNull(),
    rawSha256: text('raw_sha256').notNull(),
    score: integer('score'),
    level: text('level'),
    hostile: boolean('hostile').notNull().default(false),
    categories: jsonText('categories').$type<string[]>(),
    matches: jsonText('matches').$type<unknown[]>(),
    targeted: boolean('targeted'),
    scorerVersion: text('scorer_version'),
  },
  // Every index slows ingest: keep only those a query uses (the dashboard's keyset indexes are in
  // the web migrations).
  (t) => [
    uniqueIndex('posts_watch_platform_external').on(t.watchId, t.platform, t.externalId),
    index('posts_watch_seen').on(t.watchId, t.firstSeenAt),
    index('posts_author').on(t.authorId),
  ],
);
