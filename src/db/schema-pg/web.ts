import { pgTable, text, integer, bigint, uniqueIndex, index, primaryKey } from 'drizzle-orm/pg-core';
import { jsonText } from './column-types.ts';
import { posts, watches } from './core.ts';

// Accounts, sessions and the proxies' work on posts (triage, reports, audit). Times: epoch ms.

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  email: text('email').notNull().unique(),
  /** owner | proxy | reviewer */
  role: text('role').notNull(),
  /** argon2id hash; null until the person sets a password through a one-time link. */
  passwordHash: text('password_hash'),
  /** Base32 TOTP secret once the second factor is confirmed. */
  totpSecret: text('totp_secret'),
  /** Secret being set up, not yet confirmed by a code. */
  totpPending: text('totp_pending'),
  /** fr | en; null follows the browser. */
  lang: text('lang'),
  /** IANA time zone (e.g. Europe/Paris) for the dashboard and this person's messages; null until known. */
  timeZone: text('time_zone'),
  // The person's own notification settings (Account → Notifications). Null follows the
  // configuration's `recipients` entry for each watch; a value set here wins over the file.
  /** hourly | daily | weekly | off */
  digest: text('digest'),
  /** "HH:MM" local, both set or both null. */
  quietFrom: text('quiet_from'),
  quietTo: text('quiet_to'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  disabledAt: bigint('disabled_at', { mode: 'number' }),
});

export const userWatches = pgTable(
  'user_watches',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.watchId] })],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the opaque cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    lastSeenAt: bigint('last_seen_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** One-time links to set a password (first run without a terminal, or a reset). */
export const passwordLinks = pgTable('password_links', {
  tokenHash: text('token_hash').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  usedAt: bigint('used_at', { mode: 'number' }),
});

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: bigint('at', { mode: 'number' }).notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who, as text: the e-mail stays readable after the account is deleted. */
    actor: text('actor').notNull(),
    /** login, login_failed, logout, reveal, review, report, export, watch_edit, user_lang, totp… */
    action: text('action').notNull(),
    watchId: text('watch_id'),
    postId: integer('post_id'),
    detail: jsonText('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_at').on(t.at), index('audit_user_action_post').on(t.userId, t.action, t.postId)],
);

/** Where a post stands in the proxies' triage; no row means "new". */
export const postReviews = pgTable(
  'post_reviews',
  {
    postId: integer('post_id')
      .primaryKey()
      .references(() => posts.id),
    watchId: text('watch_id').notNull(),
    /** reviewed | reported | ignored */
    status: text('status').notNull(),
    archiveFlaggedAt: bigint('archive_flagged_at', { mode: 'number' }),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('post_reviews_watch_status').on(t.watchId, t.status)],
);

/** Reports filed about a post: where, when and the reference received. */
export const postReports = pgTable(
  'post_reports',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    /** platform | pharos | point_de_contact | complaint */
    channel: text('channel').notNull(),
    reportedAt: bigint('reported_at', { mode: 'number' }).notNull(),
    reference: text('reference'),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('post_reports_post').on(t.postId)],
);

/**
 * Invitations sent from the dashboard: the invited account exists without a password until the
 * link is used. Only the token's digest is kept.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Who invited, as text: readable after that account is gone. */
    invitedBy: text('invited_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    acceptedAt: bigint('accepted_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('invitations_token').on(t.tokenHash)],
);

/**
 * A person's own verdict on a post the scorer missed (or put in the wrong category): kept beside
 * the scorer's fields, never over them, so the correction can go back to the lexicon maintainers.
 */
export const postLabels = pgTable(
  'post_labels',
  {
    postId: integer('post_id')
      .primaryKey()
      .references(() => posts.id),
    watchId: text('watch_id').notNull(),
    /** The category the person chose (one of the scorer's categories). */
    category: text('category').notNull(),
    labelledBy: integer('labelled_by').references(() => users.id, { onDelete: 'set null' }),
    /** Who, as text (readable after the account is deleted). */
    labelledByEmail: text('labelled_by_email').notNull(),
    labelledAt: bigint('labelled_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('post_labels_watch').on(t.watchId, t.labelledAt)],
);
