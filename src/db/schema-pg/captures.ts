import { pgTable, text, integer, bigint, index } from 'drizzle-orm/pg-core';
import { posts } from './core.ts';

// Local page captures (PNG, PDF, WARC made by a headless browser): one row per post due for
// archiving, and one row holding the capture service's health (browser found, circuit breaker).
// The collection log of each capture is a `page_captured` event in the custody ledger; this table
// is the work list and the index of the files under dataDir/captures/.

export const captures = pgTable(
  'captures',
  {
    postId: integer('post_id')
      .primaryKey()
      .references(() => posts.id),
    watchId: text('watch_id').notNull(),
    /** pending | captured | failed */
    status: text('status').notNull(),
    /** page (the post's public URL) | x-embed (X's public embed) | x-card (the stored API answer, rendered) */
    method: text('method'),
    attempts: integer('attempts').notNull().default(0),
    /** When the row may be worked on next (a claim pushes it forward, as a lease). */
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
    requestedUrl: text('requested_url'),
    finalUrl: text('final_url'),
    httpStatus: integer('http_status'),
    startedAt: bigint('started_at', { mode: 'number' }),
    finishedAt: bigint('finished_at', { mode: 'number' }),
    /** Relative to dataDir: captures/<watch>/<post id>. */
    dir: text('dir'),
    /** JSON: [{ name, sha256, size }], as recorded in the ledger. */
    files: text('files'),
    /** The `page_captured` ledger row holding the collection log. */
    ledgerId: integer('ledger_id'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('captures_status_next').on(t.status, t.nextAttemptAt),
    index('captures_watch_status').on(t.watchId, t.status),
  ],
);

/** One row (id 1), written by whichever process captures: the dashboard and `vigie captures` read it. */
export const captureHealth = pgTable('capture_health', {
  id: integer('id').primaryKey(),
  /** ok | missing (no browser at the path) | failing (the browser does not start or crashes) | paused (breaker open) */
  state: text('state').notNull(),
  message: text('message'),
  browserPath: text('browser_path'),
  browserVersion: text('browser_version'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  pausedUntil: bigint('paused_until', { mode: 'number' }),
  lastSuccessAt: bigint('last_success_at', { mode: 'number' }),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});
