import { and, asc, eq } from 'drizzle-orm';
import type { personChannels } from '../db/schema/index.ts';
import type { Store } from '../db/store.ts';
import type { ChannelKind, Target } from './channels/channel.ts';

export interface PersonChannel {
  id: number;
  userId: number;
  kind: ChannelKind;
  target: Target;
  enabled: boolean;
}

/** A person's channels beyond e-mail (targets checked by the channel before they get here). */
export function createPersonChannelsRepo(store: Store) {
  const { db, t } = store;
  const { personChannels: channels, users } = t;
  const toChannel = (row: typeof personChannels.$inferSelect): PersonChannel => ({
    id: row.id,
    userId: row.userId,
    kind: row.kind as ChannelKind,
    target: row.target,
    enabled: Boolean(row.enabled),
  });
  return {
    /** The person behind an e-mail address (with or without a password), if any. */
    async personByEmail(
      email: string,
    ): Promise<{ id: number; email: string; lang: string | null } | undefined> {
      const [row] = await db
        .select({ id: users.id, email: users.email, lang: users.lang })
        .from(users)
        .where(eq(users.email, email.trim().toLowerCase()));
      return row;
    },

    async get(id: number): Promise<PersonChannel | undefined> {
      const [row] = await db.select().from(channels).where(eq(channels.id, id));
      return row ? toChannel(row) : undefined;
    },

    async listFor(userId: number): Promise<PersonChannel[]> {
      const rows = await db
        .select()
        .from(channels)
        .where(eq(channels.userId, userId))
        .orderBy(asc(channels.id));
      return rows.map(toChannel);
    },

    async add(userId: number, kind: ChannelKind, target: Target, now = Date.now()): Promise<PersonChannel> {
      const [row] = await db
        .insert(channels)
        .values({ userId, kind, target, enabled: true, createdAt: now, updatedAt: now })
        .returning();
      return toChannel(row!);
    },

    /**
     * Turns a channel off (the person's own channel only). Rows stay, so messages already recorded
     * for it keep their history; they are not sent any more.
     */
    async disable(userId: number, id: number, now = Date.now()): Promise<boolean> {
      const changed = await db
        .update(channels)
        .set({ enabled: false, updatedAt: now })
        .where(and(eq(channels.id, id), eq(channels.userId, userId)))
        .returning({ id: channels.id });
      return changed.length > 0;
    },
  };
}

export type PersonChannelsRepo = ReturnType<typeof createPersonChannelsRepo>;
