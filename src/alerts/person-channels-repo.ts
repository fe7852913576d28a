import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { personChannels, users } from '../db/schema/index.ts';
import type { ChannelKind, Target } from './channels/channel.ts';

export interface PersonChannel {
  id: number;
  userId: number;
  kind: ChannelKind;
  target: Target;
  enabled: boolean;
}

/** A person's channels beyond e-mail (targets checked by the channel before they get here). */
export function createPersonChannelsRepo(db: Db) {
  const toChannel = (row: typeof personChannels.$inferSelect): PersonChannel => ({
    id: row.id,
    userId: row.userId,
    kind: row.kind as ChannelKind,
    target: row.target,
    enabled: row.enabled,
  });
  return {
    /** The person behind an e-mail address (with or without a password), if any. */
    personByEmail(email: string): { id: number; email: string; lang: string | null } | undefined {
      return db
        .select({ id: users.id, email: users.email, lang: users.lang })
        .from(users)
        .where(eq(users.email, email.trim().toLowerCase()))
        .get();
    },

    get(id: number): PersonChannel | undefined {
      const row = db.select().from(personChannels).where(eq(personChannels.id, id)).get();
      return row ? toChannel(row) : undefined;
    },

    listFor(userId: number): PersonChannel[] {
      return db
        .select()
        .from(personChannels)
        .where(eq(personChannels.userId, userId))
        .orderBy(asc(personChannels.id))
        .all()
        .map(toChannel);
    },

    add(userId: number, kind: ChannelKind, target: Target, now = Date.now()): PersonChannel {
      const row = db
        .insert(personChannels)
        .values({ userId, kind, target, enabled: true, createdAt: now, updatedAt: now })
        .returning()
        .get();
      return toChannel(row);
    },

    /**
     * Turns a channel off (the person's own channel only). Rows stay, so messages already recorded
     * for it keep their history; they are not sent any more.
     */
    disable(userId: number, id: number, now = Date.now()): boolean {
      return (
        db
          .update(personChannels)
          .set({ enabled: false, updatedAt: now })
          .where(and(eq(personChannels.id, id), eq(personChannels.userId, userId)))
          .run().changes > 0
      );
    },
  };
}

export type PersonChannelsRepo = ReturnType<typeof createPersonChannelsRepo>;
