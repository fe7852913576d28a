import { pgTable, text, integer, bigint, index } from 'drizzle-orm/pg-core';
import { posts } from './core.ts';

// Evidence: the custody ledger (append-only, hash-chained; triggers in a custom migration refuse
// UPDATE and DELETE), one archive row per post, and the log of Wayback submissions that the
// global capture rate is counted from (shared by every process on the machine).

export const evidenceEvents = pgTable(
  'evidence_events',
  {
    /** Assigned by the appender (head + 1) and part of the hash, so rows cannot be reordered. */
    id: integer('id').primaryKey(),
    at: bigint('at', { mode: 'number' }).notNull(),
    /** captured | scored | archived | archive_failed | viewed | exported | deleted_upstream */
    type: text('type').notNull(),
    watchId: text('watch_id').notNull(),
    postId: integer('post_id'),
    /** Who caused it: `system`, `auto`, or a user. */
    actor: text('actor').notNull(),
    /** JSON text, hashed exactly as stored. */
    data: text('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('evidence_events_post').on(t.postId), index('evidence_events_watch').on(t.watchId, t.id)],
);

export const archives = pgTable(
  'archives',
  {
    postId: integer('post_id')
      .primaryKey()
      .references(() => posts.id),
    watchId: text('watch_id').notNull(),
    /** pending | submitted | archived | blocked | not_found | no_access | failed */
    status: text('status').notNull(),
    jobId: text('job_id'),
    captureUrl: text('capture_url'),
    /** Wayback timestamp (YYYYMMDDhhmmss) of the capture. */
    captureTimestamp: text('capture_timestamp'),
    attempts: integer('attempts').notNull().default(0),
    /** When the row may be worked on next (a claim also pushes it forward, as a lease). */
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    submittedAt: bigint('submitted_at', { mode: 'number' }),
    lastError: text('last_error'),
    /** SPN2 status_ext of the last answer (error:blocked, error:too-many-daily-captures…). */
    statusExt: text('status_ext'),
    /** `auto` (the watch's threshold) or the user who flagged the post by hand. */
    requestedBy: text('requested_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    /** Last upstream check that got a clear answer (present). */
    lastCheckedAt: bigint('last_checked_at', { mode: 'number' }),
    /** Last upstream check attempted, clear or not: the deletion watch takes the least recently tried first. */
    lastTriedAt: bigint('last_tried_at', { mode: 'number' }),
    deletedUpstreamAt: bigint('deleted_upstream_at', { mode: 'number' }),
  },
  (t) => [
    index('archives_status_next').on(t.status, t.nextAttemptAt),
    index('archives_watch_status').on(t.watchId, t.status),
  ],
);

export const waybackSubmissions = pgTable(
  'wayback_submissions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: bigint('at', { mode: 'number' }).notNull(),
    postId: integer('post_id'),
  },
  (t) => [index('wayback_submissions_at').on(t.at)],
);

/** One row (id 1): Wayback asked us to slow down (429, user-session-limit) until `until`. */
export const waybackPause = pgTable('wayback_pause', {
  id: integer('id').primaryKey(),
  until: bigint('until', { mode: 'number' }).notNull(),
  reason: text('reason'),
});
