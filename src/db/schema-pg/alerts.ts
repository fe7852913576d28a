import {
  pgTable,
  text,
  integer,
  bigint,
  boolean,
  doublePrecision,
  uniqueIndex,
  index,
} from 'drizzle-orm/pg-core';
import { jsonText } from './column-types.ts';
import { posts, watches } from './core.ts';
import { users } from './web.ts';

// Alerts, digests and waves. Every outgoing e-mail is first recorded as a row of `messages`
// (the intent, with its rendered content and a stable Message-ID), then delivered: see
// src/alerts/delivery.ts for the state machine that keeps "exactly once" across crashes.

export const recipients = pgTable(
  'recipients',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    /** The person (account) this subscription belongs to: one person, one entry, whatever the watch. */
    userId: integer('user_id').references(() => users.id),
    email: text('email').notNull(),
    /** owner | proxy | reviewer */
    role: text('role').notNull(),
    /** fr | en */
    language: text('language').notNull(),
    /** hourly | daily | weekly | off */
    digest: text('digest').notNull(),
    alerts: boolean('alerts').notNull(),
    allClear: boolean('all_clear').notNull(),
    timezone: text('timezone').notNull(),
    /** "HH:MM" local, both set or both null. */
    quietFrom: text('quiet_from'),
    quietTo: text('quiet_to'),
    /** Set by the one-click unsubscribe link: no more digests, whatever the configuration says. */
    digestUnsubscribedAt: bigint('digest_unsubscribed_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    removedAt: bigint('removed_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('recipients_watch_email').on(t.watchId, t.email)],
);

/**
 * A person's notification channels beyond e-mail. The target (chat id, topic, room, webhook URL
 * and secret…) stays here: message rows point at it, so no secret is copied into a message or a job.
 */
export const personChannels = pgTable(
  'person_channels',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** webhook | ntfy | telegram | matrix | signal */
    kind: text('kind').notNull(),
    /** The per-person target, JSON, validated by the channel's schema. */
    target: jsonText('target').$type<Record<string, string>>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('person_channels_user').on(t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => recipients.id),
    watchId: text('watch_id').notNull(),
    /** `email`, or `<kind>:<person_channels.id>` (webhook, ntfy, telegram, matrix, signal). */
    channel: text('channel').notNull().default('email'),
    /** The person's channel the message goes to (null for e-mail); its target is read at send time. */
    channelId: integer('channel_id').references(() => personChannels.id),
    /** digest | alert | alerts_grouped | wave_start | all_clear */
    kind: text('kind').notNull(),
    /** What this message is about, unique per recipient: `digest:daily:<period start>`, `wave_start:<wave id>`… */
    dedupeKey: text('dedupe_key').notNull(),
    /** The Message-ID header, fixed at intent time and reused by every attempt. */
    messageId: text('message_id').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** Unsubscribe URL (digests only). */
    unsubscribeUrl: text('unsubscribe_url'),
    /** queued | sending | committing | sent | unconfirmed | failed */
    status: text('status').notNull(),
    /** Non-urgent mail is held until the recipient's quiet hours end. */
    notBefore: bigint('not_before', { mode: 'number' }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** `host:pid` of the process that holds the attempt, and when it took it. */
    claimedBy: text('claimed_by'),
    claimedAt: bigint('claimed_at', { mode: 'number' }),
    periodStart: bigint('period_start', { mode: 'number' }),
    periodEnd: bigint('period_end', { mode: 'number' }),
    transport: text('transport'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    sentAt: bigint('sent_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('messages_recipient_channel_key').on(t.recipientId, t.channel, t.dedupeKey),
    index('messages_status').on(t.status, t.notBefore),
    index('messages_recipient_kind_created').on(t.recipientId, t.kind, t.createdAt),
  ],
);

/** Which post was alerted to whom, by which message: a post is alerted once per recipient. */
export const alertedPosts = pgTable(
  'alerted_posts',
  {
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => recipients.id),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    messageRowId: integer('message_row_id')
      .notNull()
      .references(() => messages.id),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('alerted_posts_recipient_post').on(t.recipientId, t.postId),
    index('alerted_posts_post').on(t.postId),
  ],
);

export const waves = pgTable(
  'waves',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    watchId: text('watch_id')
      .notNull()
      .references(() => watches.id),
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    peakAt: bigint('peak_at', { mode: 'number' }).notNull(),
    /** Hostile posts in the peak hour. */
    peakCount: integer('peak_count').notNull(),
    /** Null while the wave is going on. */
    endedAt: bigint('ended_at', { mode: 'number' }),
    /** Hostile posts during the wave. */
    count: integer('count').notNull(),
    /** [{category, count}] by decreasing count, JSON. */
    topCategories: jsonText('top_categories').$type<{ category: string; count: number }[]>().notNull(),
    /** Hourly baseline and threshold when the wave started, for the explanation. */
    baseline: doublePrecision('baseline').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('waves_watch_start').on(t.watchId, t.startedAt),
    index('waves_watch_open').on(t.watchId, t.endedAt),
  ],
);

/** Small persistent settings of the alerts module (the generated unsubscribe key). */
export const alertSettings = pgTable('alert_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
