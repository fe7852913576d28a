import { and, asc, eq } from 'drizzle-orm';
import type { personChannels } from '../db/schema/index.ts';
import type { Store } from '../db/store.ts';
import { createSecretBox, DecryptionError, type SecretBox } from '../identity/crypto.ts';
import type { ChannelKind, Target } from './channels/channel.ts';

/*
 * Every field of a target is sealed with the installation's key before it reaches the database,
 * like the dashboard's other secrets: a webhook's signing secret and its URL (which often carries
 * the receiver's token), an ntfy topic (whoever knows it reads it), and the chat ids and phone
 * numbers of the people being kept informed. A copy of the database alone then neither forges
 * signed alerts nor lists whom to reach.
 */
/** Marks a sealed value; a value without it was stored before targets were sealed, and is read as is. */
const SEALED = 'sealed:';

export interface PersonChannel {
  id: number;
  userId: number;
  kind: ChannelKind;
  target: Target;
  /** Why a field of the target could not be read (see open()); the channel cannot send. */
  unreadable?: string;
  enabled: boolean;
}

/**
 * A person's channels beyond e-mail (targets checked by the channel before they get here).
 * `key`: the installation's encryption key, asked only when a target is sealed or opened.
 */
export function createPersonChannelsRepo(store: Store, key: () => string) {
  const { db, t } = store;
  const { personChannels: channels, users } = t;
  let box: SecretBox | undefined;
  const sealer = () => (box ??= createSecretBox(key()));
  const associated = (userId: number, kind: string, field: string) =>
    `person-channel:${userId}:${kind}:${field}`;

  function seal(userId: number, kind: string, target: Target): Target {
    const out: Target = {};
    for (const [field, value] of Object.entries(target))
      out[field] = SEALED + sealer().seal(value, associated(userId, kind, field));
    return out;
  }

  /**
   * The target as the channel needs it. A field the key cannot open (the key was changed or
   * lost) is left empty and the channel marked `unreadable`: sending through it fails with that
   * reason, and the person sees the channel and can replace it.
   */
  function open(row: typeof personChannels.$inferSelect): { target: Target; unreadable?: string } {
    const target: Target = {};
    let unreadable: string | undefined;
    for (const [field, value] of Object.entries(row.target)) {
      if (!value.startsWith(SEALED)) {
        target[field] = value;
        continue;
      }
      try {
        target[field] = sealer().open(value.slice(SEALED.length), associated(row.userId, row.kind, field));
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        target[field] = '';
        unreadable = `the channel's ${field} cannot be decrypted with this installation's key: add the channel again`;
      }
    }
    return { target, unreadable };
  }

  const toChannel = (row: typeof personChannels.$inferSelect): PersonChannel => ({
    id: row.id,
    userId: row.userId,
    kind: row.kind as ChannelKind,
    ...open(row),
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
        .values({
          userId,
          kind,
          target: seal(userId, kind, target),
          enabled: true,
          createdAt: now,
          updatedAt: now,
        })
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
