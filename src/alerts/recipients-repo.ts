import { and, asc, eq, isNull, type SQL } from 'drizzle-orm';
import type { recipients as recipientsTable } from '../db/schema/index.ts';
import type { Store } from '../db/store.ts';
import type { WatchConfig } from '../config/schema.ts';
import type { ChannelKind } from './channels/channel.ts';

export type RecipientRole = 'owner' | 'proxy' | 'reviewer';
export type Language = 'fr' | 'en';
export type DigestSetting = 'hourly' | 'daily' | 'weekly' | 'off';

/** A channel of the person beyond e-mail, as a message row refers to it (the target is read at send time). */
export interface ChannelRef {
  id: number;
  kind: ChannelKind;
}

/**
 * One person's subscription to one watch. The person (the `users` row, whether or not it has a
 * password) is the source of truth for language, time zone, digest frequency and quiet hours:
 * what they set in Account → Notifications wins; what is unset follows the configuration.
 */
export interface Recipient {
  id: number;
  watchId: string;
  /** The name of the watched person, for subjects and titles ("Alice Martin — threat"). */
  watchName: string;
  userId: number | null;
  email: string;
  channels: ChannelRef[];
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

export function createRecipientsRepo(store: Store) {
  const { db, t } = store;
  const { personChannels, recipients, users, watches: watchesTable } = t;

  async function channelsByUser(): Promise<Map<number, ChannelRef[]>> {
    const map = new Map<number, ChannelRef[]>();
    const rows = await db
      .select({ id: personChannels.id, kind: personChannels.kind, userId: personChannels.userId })
      .from(personChannels)
      .where(eq(personChannels.enabled, true))
      .orderBy(asc(personChannels.id));
    for (const c of rows) {
      const list = map.get(c.userId) ?? [];
      list.push({ id: c.id, kind: c.kind as ChannelKind });
      map.set(c.userId, list);
    }
    return map;
  }

  async function withPerson(where: SQL | undefined): Promise<Recipient[]> {
    const rows = await db
      .select({ r: recipients, u: users, definition: watchesTable.definition })
      .from(recipients)
      .leftJoin(users, eq(users.id, recipients.userId))
      .leftJoin(watchesTable, eq(watchesTable.id, recipients.watchId))
      .where(where)
      .orderBy(asc(recipients.id));
    const channels = rows.some((x) => x.u) ? await channelsByUser() : new Map<number, ChannelRef[]>();
    return rows.map(({ r, u, definition }) => {
      const base = toRecipient(r);
      const names = (definition as { names?: string[] } | null)?.names;
      base.watchName = names?.[0] ?? r.watchId;
      if (!u) return base;
      return {
        ...base,
        userId: u.id,
        language: u.lang === 'fr' || u.lang === 'en' ? u.lang : base.language,
        timezone: u.timeZone ?? base.timezone,
        digest: (u.digest as DigestSetting | null) ?? base.digest,
        quietHours: u.quietFrom && u.quietTo ? { from: u.quietFrom, to: u.quietTo } : base.quietHours,
        channels: channels.get(u.id) ?? [],
      };
    });
  }

  return {
    /**
     * Makes the stored recipients match the configuration, like watches: new ones are created,
     * changed ones updated, missing ones marked removed (their sent-message history stays).
     * An unsubscribe made through a digest's link is kept: the person's choice wins over the file.
     */
    async syncFromConfig(watches: readonly WatchConfig[], now = Date.now()): Promise<void> {
      await store.transaction(async (tx) => {
        const { recipients: rcp, userWatches, users: people } = tx.t;
        const wanted = new Set<string>();
        // A configured recipient is a person: found by e-mail, or created without a password
        // (they receive mail; a set-password link makes them an account).
        const find = async (email: string) =>
          (await tx.db.select({ id: people.id }).from(people).where(eq(people.email, email)))[0]?.id;
        const personOf = async (email: string, role: RecipientRole): Promise<number> => {
          const found = await find(email);
          if (found !== undefined) return found;
          const [created] = await tx.db
            .insert(people)
            .values({ email, role, createdAt: now })
            .onConflictDoNothing()
            .returning({ id: people.id });
          // Nothing inserted: another process created the person meanwhile (PostgreSQL).
          return created?.id ?? (await find(email))!;
        };
        const ids = new Set(watches.map((w) => w.id));
        for (const w of watches) {
          for (const r of w.recipients ?? []) {
            const values = recipientValues(r);
            const userId = await personOf(values.email, values.role);
            await tx.db.insert(userWatches).values({ userId, watchId: w.id }).onConflictDoNothing();
            wanted.add(`${w.id}\u0000${values.email}`);
            await tx.db
              .insert(rcp)
              .values({ watchId: w.id, userId, ...values, createdAt: now, updatedAt: now })
              .onConflictDoUpdate({
                target: [rcp.watchId, rcp.email],
                set: { ...values, userId, updatedAt: now, removedAt: null },
              });
          }
        }
        // An account given a watch in the dashboard is a recipient of it too, with its own
        // settings (or the defaults of its role): nobody has to be added twice.
        const accounts = await tx.db
          .select({
            userId: people.id,
            watchId: userWatches.watchId,
            email: people.email,
            role: people.role,
            lang: people.lang,
            timeZone: people.timeZone,
            digest: people.digest,
          })
          .from(userWatches)
          .innerJoin(people, eq(people.id, userWatches.userId))
          .where(isNull(people.disabledAt));
        for (const a of accounts) {
          const key = `${a.watchId}\u0000${a.email}`;
          if (!ids.has(a.watchId) || wanted.has(key)) continue;
          wanted.add(key);
          const role = a.role as RecipientRole;
          const values = {
            email: a.email,
            role,
            language: a.lang === 'fr' ? 'fr' : 'en',
            digest: a.digest ?? 'daily',
            alerts: role === 'proxy',
            allClear: role !== 'reviewer',
            timezone: a.timeZone ?? 'UTC',
          };
          await tx.db
            .insert(rcp)
            .values({ watchId: a.watchId, userId: a.userId, ...values, createdAt: now, updatedAt: now })
            .onConflictDoUpdate({
              target: [rcp.watchId, rcp.email],
              set: { userId: a.userId, role, updatedAt: now, removedAt: null },
            });
        }
        const active = await tx.db
          .select({ id: rcp.id, watchId: rcp.watchId, email: rcp.email })
          .from(rcp)
          .where(isNull(rcp.removedAt));
        for (const row of active) {
          if (!wanted.has(`${row.watchId}\u0000${row.email}`))
            await tx.db.update(rcp).set({ removedAt: now }).where(eq(rcp.id, row.id));
        }
      });
    },

    listActive(watchId?: string): Promise<Recipient[]> {
      const where = watchId
        ? and(isNull(recipients.removedAt), eq(recipients.watchId, watchId))
        : isNull(recipients.removedAt);
      return withPerson(where);
    },

    async get(id: number): Promise<Recipient | undefined> {
      return (await withPerson(eq(recipients.id, id)))[0];
    },

    /** Stops digests for this recipient; returns false when there is no such recipient. */
    async unsubscribeDigest(id: number, now = Date.now()): Promise<boolean> {
      const changed = await db
        .update(recipients)
        .set({ digestUnsubscribedAt: now })
        .where(and(eq(recipients.id, id), isNull(recipients.digestUnsubscribedAt)))
        .returning({ id: recipients.id });
      if (changed.length > 0) return true;
      const [exists] = await db.select({ id: recipients.id }).from(recipients).where(eq(recipients.id, id));
      return exists !== undefined;
    },
  };
}

function toRecipient(row: typeof recipientsTable.$inferSelect): Recipient {
  return {
    id: row.id,
    watchId: row.watchId,
    watchName: row.watchId,
    userId: row.userId,
    email: row.email,
    channels: [],
    role: row.role as RecipientRole,
    language: row.language as Language,
    digest: row.digest as DigestSetting,
    alerts: Boolean(row.alerts),
    allClear: Boolean(row.allClear),
    timezone: row.timezone,
    quietHours: row.quietFrom && row.quietTo ? { from: row.quietFrom, to: row.quietTo } : null,
    digestUnsubscribedAt: row.digestUnsubscribedAt,
    createdAt: row.createdAt,
  };
}

export type RecipientsRepo = ReturnType<typeof createRecipientsRepo>;
