import { and, desc, eq, gte, inArray, like, lte, max, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { alertedPosts, messages } from '../db/schema/index.ts';

export type MessageRow = typeof messages.$inferSelect;
export type MessageKind = 'digest' | 'alert' | 'alerts_grouped' | 'wave_start' | 'all_clear' | 'lookalike';
export type MessageStatus = 'queued' | 'sending' | 'committing' | 'sent' | 'unconfirmed' | 'failed';

export interface MessageIntent {
  recipientId: number;
  watchId: string;
  /** `email`, or `<kind>:<person channel id>`: one row per recipient, channel and subject. */
  channel: string;
  channelId: number | null;
  kind: MessageKind;
  dedupeKey: string;
  messageId: string;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  unsubscribeUrl?: string | null;
  notBefore: number;
  periodStart?: number | null;
  periodEnd?: number | null;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Inserts one queued row per intent (already-recorded ones are skipped); the first new row id. */
function insertQueued(tx: Tx, intents: readonly MessageIntent[], now: number): number | undefined {
  let first: number | undefined;
  for (const intent of intents) {
    const row = tx
      .insert(messages)
      .values({ ...intent, status: 'queued', createdAt: now })
      .onConflictDoNothing()
      .returning({ id: messages.id })
      .get();
    first ??= row?.id;
  }
  return first;
}

export function createMessagesRepo(db: Db) {
  return {
    /**
     * Records the intent to send, one row per channel of the recipient, in one transaction.
     * Returns the first new row id, or undefined when every row was already recorded.
     */
    recordIntent(intents: MessageIntent | readonly MessageIntent[], now = Date.now()): number | undefined {
      const list = Array.isArray(intents) ? intents : [intents as MessageIntent];
      return db.transaction((tx) => insertQueued(tx, list, now));
    },

    /**
     * Records an alert about these posts (one row per channel) and, in the same transaction, that
     * they were alerted to this recipient. If another process alerted any of them meanwhile,
     * nothing is recorded (the next run recomputes the remaining posts).
     */
    recordAlertIntent(
      intents: readonly MessageIntent[],
      postIds: readonly number[],
      now = Date.now(),
    ): number | undefined {
      const recipientId = intents[0]?.recipientId;
      if (recipientId === undefined) return undefined;
      return db.transaction((tx) => {
        const already = tx
          .select({ postId: alertedPosts.postId })
          .from(alertedPosts)
          .where(and(eq(alertedPosts.recipientId, recipientId), inArray(alertedPosts.postId, [...postIds])))
          .all();
        if (already.length > 0) return undefined;
        const first = insertQueued(tx, intents, now);
        if (first === undefined) return undefined;
        tx.insert(alertedPosts)
          .values(
            postIds.map((postId) => ({
              recipientId,
              postId,
              messageRowId: first,
              at: now,
            })),
          )
          .run();
        return first;
      });
    },

    get(id: number): MessageRow | undefined {
      return db.select().from(messages).where(eq(messages.id, id)).get();
    },

    /** Messages that may be attempted now: queued ones, and attempts left behind by a process. */
    candidates(now: number): MessageRow[] {
      return db
        .select()
        .from(messages)
        .where(
          and(inArray(messages.status, ['queued', 'sending', 'committing']), lte(messages.notBefore, now)),
        )
        .orderBy(messages.id)
        .all();
    },

    /** Takes the attempt if the row is still in the state we saw (compare-and-set between processes). */
    claim(row: MessageRow, claimer: string, now: number): boolean {
      const res = db
        .update(messages)
        .set({
          status: 'sending',
          claimedBy: claimer,
          claimedAt: now,
          attempts: sql`${messages.attempts} + 1`,
        })
        .where(
          and(
            eq(messages.id, row.id),
            eq(messages.status, row.status),
            row.claimedAt === null
              ? sql`${messages.claimedAt} is null`
              : eq(messages.claimedAt, row.claimedAt),
          ),
        )
        .run();
      return res.changes > 0;
    },

    /** The last bytes of the message are about to leave: from here on, delivery cannot be ruled out. */
    markCommitting(id: number): void {
      db.update(messages).set({ status: 'committing' }).where(eq(messages.id, id)).run();
    },

    markSent(
      id: number,
      transport: string,
      now: number,
      status: 'sent' | 'unconfirmed' = 'sent',
      note: string | null = null,
    ): void {
      db.update(messages)
        .set({ status, transport, sentAt: now, lastError: note, claimedBy: null })
        .where(eq(messages.id, id))
        .run();
    },

    /** Provably not delivered: back in the queue for the next tick (or given up after many tries). */
    markRetry(id: number, error: string, giveUp: boolean, notBefore?: number): void {
      db.update(messages)
        .set({
          ...(notBefore !== undefined ? { notBefore } : {}),
          status: giveUp ? 'failed' : 'queued',
          lastError: error.slice(0, 500),
          claimedBy: null,
          claimedAt: null,
        })
        .where(eq(messages.id, id))
        .run();
    },

    /** Immediate-alert messages sent or being sent to this recipient since `since` (the hourly budget). */
    alertsSince(recipientId: number, since: number): number {
      const row = db
        .select({ n: sql<number>`count(*)` })
        .from(messages)
        .where(
          and(
            eq(messages.recipientId, recipientId),
            // Every alert has its e-mail row; other channels carry the same alert again.
            eq(messages.channel, 'email'),
            inArray(messages.kind, ['alert', 'alerts_grouped']),
            gte(messages.createdAt, since),
          ),
        )
        .get();
      return row?.n ?? 0;
    },

    /** Creation times of this recipient's alert messages since `since`, oldest first. */
    alertTimesSince(recipientId: number, since: number): number[] {
      return db
        .select({ at: messages.createdAt })
        .from(messages)
        .where(
          and(
            eq(messages.recipientId, recipientId),
            // Every alert has its e-mail row; other channels carry the same alert again.
            eq(messages.channel, 'email'),
            inArray(messages.kind, ['alert', 'alerts_grouped']),
            gte(messages.createdAt, since),
          ),
        )
        .orderBy(messages.createdAt)
        .all()
        .map((r) => r.at);
    },

    /** End of the latest digest period recorded for this recipient and frequency (any frequency by default). */
    lastDigestEnd(recipientId: number, frequency = '%'): number | undefined {
      const row = db
        .select({ end: max(messages.periodEnd) })
        .from(messages)
        .where(
          and(
            eq(messages.recipientId, recipientId),
            eq(messages.kind, 'digest'),
            like(messages.dedupeKey, `digest:${frequency}:%`),
          ),
        )
        .get();
      return row?.end ?? undefined;
    },

    list(options: { watchId?: string; limit?: number; statuses?: MessageStatus[] } = {}): MessageRow[] {
      const conds = [];
      if (options.watchId) conds.push(eq(messages.watchId, options.watchId));
      if (options.statuses) conds.push(inArray(messages.status, options.statuses));
      return db
        .select()
        .from(messages)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(messages.id))
        .limit(options.limit ?? 100)
        .all();
    },

    /** Posts of these ids already alerted to this recipient. */
    alertedPostIds(recipientId: number, postIds: readonly number[]): Set<number> {
      if (postIds.length === 0) return new Set();
      return new Set(
        db
          .select({ postId: alertedPosts.postId })
          .from(alertedPosts)
          .where(and(eq(alertedPosts.recipientId, recipientId), inArray(alertedPosts.postId, [...postIds])))
          .all()
          .map((r) => r.postId),
      );
    },
  };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
