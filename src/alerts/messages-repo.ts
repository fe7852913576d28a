import { and, desc, eq, gte, inArray, like, lte, max, sql } from 'drizzle-orm';
import type { messages } from '../db/schema/index.ts';
import type { Store } from '../db/store.ts';

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

/** Thrown inside a transaction to roll it back: another process alerted one of the posts first. */
class AlreadyAlerted extends Error {}

/** Inserts one queued row per intent (already-recorded ones are skipped); the first new row id. */
async function insertQueued(
  tx: Store,
  intents: readonly MessageIntent[],
  now: number,
): Promise<number | undefined> {
  const { messages } = tx.t;
  let first: number | undefined;
  for (const intent of intents) {
    const [row] = await tx.db
      .insert(messages)
      .values({ ...intent, status: 'queued', createdAt: now })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    first ??= row?.id;
  }
  return first;
}

export function createMessagesRepo(store: Store) {
  const { db, t } = store;
  const { alertedPosts, messages } = t;

  /** The e-mail rows of this recipient's immediate alerts since `since` (the hourly budget). */
  const alertsOf = (recipientId: number, since: number) =>
    and(
      eq(messages.recipientId, recipientId),
      // Every alert has its e-mail row; other channels carry the same alert again.
      eq(messages.channel, 'email'),
      inArray(messages.kind, ['alert', 'alerts_grouped']),
      gte(messages.createdAt, since),
    );

  return {
    /**
     * Records the intent to send, one row per channel of the recipient, in one transaction.
     * Returns the first new row id, or undefined when every row was already recorded.
     */
    recordIntent(
      intents: MessageIntent | readonly MessageIntent[],
      now = Date.now(),
    ): Promise<number | undefined> {
      const list = Array.isArray(intents)
        ? (intents as readonly MessageIntent[])
        : [intents as MessageIntent];
      return store.transaction((tx) => insertQueued(tx, list, now));
    },

    /**
     * Records an alert about these posts (one row per channel) and, in the same transaction, that
     * they were alerted to this recipient. If another process alerted any of them meanwhile,
     * nothing is recorded (the next run recomputes the remaining posts).
     */
    async recordAlertIntent(
      intents: readonly MessageIntent[],
      postIds: readonly number[],
      now = Date.now(),
    ): Promise<number | undefined> {
      const recipientId = intents[0]?.recipientId;
      if (recipientId === undefined) return undefined;
      try {
        return await store.transaction(async (tx) => {
          const { alertedPosts: ap } = tx.t;
          const already = await tx.db
            .select({ postId: ap.postId })
            .from(ap)
            .where(and(eq(ap.recipientId, recipientId), inArray(ap.postId, [...postIds])));
          if (already.length > 0) return undefined;
          const first = await insertQueued(tx, intents, now);
          if (first === undefined) return undefined;
          // On PostgreSQL another process may have alerted a post since the check above (SQLite
          // lets one writer at a time): its row wins and this whole record is rolled back.
          const inserted = await tx.db
            .insert(ap)
            .values(postIds.map((postId) => ({ recipientId, postId, messageRowId: first, at: now })))
            .onConflictDoNothing()
            .returning({ postId: ap.postId });
          if (inserted.length < postIds.length) throw new AlreadyAlerted();
          return first;
        });
      } catch (err) {
        if (err instanceof AlreadyAlerted) return undefined;
        throw err;
      }
    },

    async get(id: number): Promise<MessageRow | undefined> {
      return (await db.select().from(messages).where(eq(messages.id, id)))[0];
    },

    /** Messages that may be attempted now: queued ones, and attempts left behind by a process. */
    async candidates(now: number): Promise<MessageRow[]> {
      return await db
        .select()
        .from(messages)
        .where(
          and(inArray(messages.status, ['queued', 'sending', 'committing']), lte(messages.notBefore, now)),
        )
        .orderBy(messages.id);
    },

    /**
     * Takes the attempt if the row is still in the state we saw: one conditional UPDATE, a
     * compare-and-set between processes; true when this process got it.
     */
    async claim(row: MessageRow, claimer: string, now: number): Promise<boolean> {
      const taken = await db
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
        .returning({ id: messages.id });
      return taken.length > 0;
    },

    /** The last bytes of the message are about to leave: from here on, delivery cannot be ruled out. */
    async markCommitting(id: number): Promise<void> {
      await db.update(messages).set({ status: 'committing' }).where(eq(messages.id, id));
    },

    async markSent(
      id: number,
      transport: string,
      now: number,
      status: 'sent' | 'unconfirmed' = 'sent',
      note: string | null = null,
    ): Promise<void> {
      await db
        .update(messages)
        .set({ status, transport, sentAt: now, lastError: note, claimedBy: null })
        .where(eq(messages.id, id));
    },

    /** Provably not delivered: back in the queue for the next tick (or given up after many tries). */
    async markRetry(id: number, error: string, giveUp: boolean, notBefore?: number): Promise<void> {
      await db
        .update(messages)
        .set({
          ...(notBefore !== undefined ? { notBefore } : {}),
          status: giveUp ? 'failed' : 'queued',
          lastError: error.slice(0, 500),
          claimedBy: null,
          claimedAt: null,
        })
        .where(eq(messages.id, id));
    },

    /** Immediate-alert messages sent or being sent to this recipient since `since` (the hourly budget). */
    async alertsSince(recipientId: number, since: number): Promise<number> {
      const [row] = await db
        .select({ n: sql<number | string>`count(*)` })
        .from(messages)
        .where(alertsOf(recipientId, since));
      return Number(row?.n ?? 0);
    },

    /** Creation times of this recipient's alert messages since `since`, oldest first. */
    async alertTimesSince(recipientId: number, since: number): Promise<number[]> {
      const rows = await db
        .select({ at: messages.createdAt })
        .from(messages)
        .where(alertsOf(recipientId, since))
        .orderBy(messages.createdAt);
      return rows.map((r) => Number(r.at));
    },

    /** End of the latest digest period recorded for this recipient and frequency (any frequency by default). */
    async lastDigestEnd(recipientId: number, frequency = '%'): Promise<number | undefined> {
      const [row] = await db
        .select({ end: max(messages.periodEnd) })
        .from(messages)
        .where(
          and(
            eq(messages.recipientId, recipientId),
            eq(messages.kind, 'digest'),
            // Keys are written in lower case: LIKE's case rules (which differ by dialect) do not matter.
            like(messages.dedupeKey, `digest:${frequency}:%`),
          ),
        );
      return row?.end === null || row?.end === undefined ? undefined : Number(row.end);
    },

    async list(
      options: { watchId?: string; limit?: number; statuses?: MessageStatus[] } = {},
    ): Promise<MessageRow[]> {
      const conds = [];
      if (options.watchId) conds.push(eq(messages.watchId, options.watchId));
      if (options.statuses) conds.push(inArray(messages.status, options.statuses));
      return await db
        .select()
        .from(messages)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(messages.id))
        .limit(options.limit ?? 100);
    },

    /** Posts of these ids already alerted to this recipient. */
    async alertedPostIds(recipientId: number, postIds: readonly number[]): Promise<Set<number>> {
      if (postIds.length === 0) return new Set();
      const rows = await db
        .select({ postId: alertedPosts.postId })
        .from(alertedPosts)
        .where(and(eq(alertedPosts.recipientId, recipientId), inArray(alertedPosts.postId, [...postIds])));
      return new Set(rows.map((r) => r.postId));
    },
  };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
