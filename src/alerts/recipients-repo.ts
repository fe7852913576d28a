import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { recipients } from '../db/schema/index.ts';
import type { WatchConfig } from '../config/schema.ts';

export type RecipientRole = 'owner' | 'proxy' | 'reviewer';
export type Language = 'fr' | 'en';
export type DigestSetting = 'hourly' | 'daily' | 'weekly' | 'off';

export interface Recipient {
  id: number;
  watchId: string;
  email: string;
  role: RecipientRole;
  language: Language;
  digest: DigestSetting;
  alerts: boolean;
  allClear: boolean;
  timezone: string;
  quietHours: { from: string; to: string } | null;
  digestUnsubscribedAt: number | null;
  createdAt: number;
}

type RecipientConfig = NonNullable<WatchConfig['recipients']>[number];

/** Defaults that depend on the role: proxies get immediate alerts; the owner and proxies the all-clear. */
export function recipientValues(r: RecipientConfig) {
  return {
    email: r.email.toLowerCase(),
    role: r.role,
    language: r.language,
    digest: r.digest,
    alerts: r.alerts ?? r.role === 'proxy',
    allClear: r.allClear ?? r.role !== 'reviewer',
    timezone: r.timezone,
    quietFrom: r.quietHours?.from ?? null,
    quietTo: r.quietHours?.to ?? null,
  };
}

export function createRecipientsRepo(db: Db) {
  return {
    /**
     * Makes the stored recipients match the configuration, like watches: new ones are created,
     * changed ones updated, missing ones marked removed (their sent-message history stays).
     * An unsubscribe made through a digest's link is kept: the person's choice wins over the file.
     */
    syncFromConfig(watches: readonly WatchConfig[], now = Date.now()): void {
      db.transaction((tx) => {
        const wanted = new Set<string>();
        for (const w of watches) {
          for (const r of w.recipients ?? []) {
            const values = recipientValues(r);
            wanted.add(`${w.id}\u0000${values.email}`);
            tx.insert(recipients)
              .values({ watchId: w.id, ...values, createdAt: now, updatedAt: now })
              .onConflictDoUpdate({
                target: [recipients.watchId, recipients.email],
                set: { ...values, updatedAt: now, removedAt: null },
              })
              .run();
          }
        }
        for (const row of tx
          .select({ id: recipients.id, watchId: recipients.watchId, email: recipients.email })
          .from(recipients)
          .where(isNull(recipients.removedAt))
          .all()) {
          if (!wanted.has(`${row.watchId}\u0000${row.email}`))
            tx.update(recipients).set({ removedAt: now }).where(eq(recipients.id, row.id)).run();
        }
      });
    },

    listActive(watchId?: string): Recipient[] {
      const where = watchId
        ? and(isNull(recipients.removedAt), eq(recipients.watchId, watchId))
        : isNull(recipients.removedAt);
      return db.select().from(recipients).where(where).orderBy(asc(recipients.id)).all().map(toRecipient);
    },

    get(id: number): Recipient | undefined {
      const row = db.select().from(recipients).where(eq(recipients.id, id)).get();
      return row ? toRecipient(row) : undefined;
    },

    /** Stops digests for this recipient; returns false when there is no such recipient. */
    unsubscribeDigest(id: number, now = Date.now()): boolean {
      const res = db
        .update(recipients)
        .set({ digestUnsubscribedAt: now })
        .where(and(eq(recipients.id, id), isNull(recipients.digestUnsubscribedAt)))
        .run();
      return (
        res.changes > 0 ||
        db.select({ id: recipients.id }).from(recipients).where(eq(recipients.id, id)).get() !== undefined
      );
    },
  };
}

function toRecipient(row: typeof recipients.$inferSelect): Recipient {
  return {
    id: row.id,
    watchId: row.watchId,
    email: row.email,
    role: row.role as RecipientRole,
    language: row.language as Language,
    digest: row.digest as DigestSetting,
    alerts: row.alerts,
    allClear: row.allClear,
    timezone: row.timezone,
    quietHours: row.quietFrom && row.quietTo ? { from: row.quietFrom, to: row.quietTo } : null,
    digestUnsubscribedAt: row.digestUnsubscribedAt,
    createdAt: row.createdAt,
  };
}

export type RecipientsRepo = ReturnType<typeof createRecipientsRepo>;
