import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { users } from '../../db/schema/index.ts';
import type { Store } from '../../db/store.ts';
import { newToken, tokenHash } from './tokens.ts';
import { parseWatchIds, watchIdsOfUserSql } from './watch-list-sql.ts';

import type { Role } from './roles.ts';

export { ROLES, type Role } from './roles.ts';

export interface User {
  id: number;
  email: string;
  role: Role;
  lang: string | null;
  /** IANA time zone for every date the dashboard shows this person; null until the browser tells it. */
  timeZone: string | null;
  totpEnabled: boolean;
  watchIds: string[];
}

export interface SessionUser extends User {
  /** Hash of the session token: identifies the session without being the secret. */
  sessionHash: string;
  sessionCreatedAt: number;
}

export function createUsersRepo(store: Store) {
  const { apiTokens, passwordLinks, sessions, userWatches, users: usersTable } = store.t;

  async function watchIdsOf(s: Store, userId: number): Promise<string[]> {
    const rows = await s.db
      .select({ w: userWatches.watchId })
      .from(userWatches)
      .where(eq(userWatches.userId, userId))
      .orderBy(asc(userWatches.watchId));
    return rows.map((r) => r.w);
  }
  async function toUser(s: Store, row: typeof users.$inferSelect): Promise<User> {
    return {
      id: row.id,
      email: row.email,
      role: row.role as Role,
      lang: row.lang,
      timeZone: row.timeZone,
      totpEnabled: !!row.totpSecret,
      watchIds: await watchIdsOf(s, row.id),
    };
  }
  async function byId(id: number): Promise<User | undefined> {
    const row = (await store.db.select().from(usersTable).where(eq(usersTable.id, id)))[0];
    return row ? toUser(store, row) : undefined;
  }

  return {
    /** Creates the account, or updates its role and adds the watches when it exists. */
    upsert(
      input: { email: string; role: Role; watchIds: readonly string[]; passwordHash?: string | null },
      now = Date.now(),
    ): Promise<User> {
      const email = input.email.trim().toLowerCase();
      return store.transaction(async (tx) => {
        const existing = (await tx.db.select().from(usersTable).where(eq(usersTable.email, email)))[0];
        const id =
          existing?.id ??
          (
            await tx.db
              .insert(usersTable)
              .values({ email, role: input.role, passwordHash: input.passwordHash ?? null, createdAt: now })
              .returning({ id: usersTable.id })
          )[0]!.id;
        if (existing) {
          await tx.db
            .update(usersTable)
            .set({ role: input.role, ...(input.passwordHash ? { passwordHash: input.passwordHash } : {}) })
            .where(eq(usersTable.id, id));
        }
        if (input.watchIds.length > 0)
          await tx.db
            .insert(userWatches)
            .values(input.watchIds.map((w) => ({ userId: id, watchId: w })))
            .onConflictDoNothing();
        return toUser(tx, (await tx.db.select().from(usersTable).where(eq(usersTable.id, id)))[0]!);
      });
    },

    async byEmail(
      email: string,
    ): Promise<
      (User & { passwordHash: string | null; totpSecret: string | null; disabled: boolean }) | undefined
    > {
      const row = (
        await store.db.select().from(usersTable).where(eq(usersTable.email, email.trim().toLowerCase()))
      )[0];
      return row
        ? {
            ...(await toUser(store, row)),
            passwordHash: row.passwordHash,
            totpSecret: row.totpSecret,
            disabled: row.disabledAt !== null,
          }
        : undefined;
    },

    byId,

    async list(): Promise<User[]> {
      const rows = await store.db.select().from(usersTable).orderBy(asc(usersTable.email));
      const out: User[] = [];
      for (const row of rows) out.push(await toUser(store, row));
      return out;
    },

    async linkWatch(userId: number, watchId: string): Promise<void> {
      await store.db.insert(userWatches).values({ userId, watchId }).onConflictDoNothing();
    },

    async setPassword(userId: number, passwordHash: string): Promise<void> {
      await store.db.update(usersTable).set({ passwordHash }).where(eq(usersTable.id, userId));
    },

    async setLang(userId: number, lang: string | null): Promise<void> {
      await store.db.update(usersTable).set({ lang }).where(eq(usersTable.id, userId));
    },

    /** The zone must already be a valid IANA name (render/time-zone.ts checks it). */
    async setTimeZone(userId: number, timeZone: string | null): Promise<void> {
      await store.db.update(usersTable).set({ timeZone }).where(eq(usersTable.id, userId));
    },

    async totp(userId: number): Promise<{ secret: string | null; pending: string | null }> {
      const row = (
        await store.db
          .select({ s: usersTable.totpSecret, p: usersTable.totpPending })
          .from(usersTable)
          .where(eq(usersTable.id, userId))
      )[0];
      return { secret: row?.s ?? null, pending: row?.p ?? null };
    },

    async setTotp(
      userId: number,
      values: { secret?: string | null; pending?: string | null },
    ): Promise<void> {
      await store.db
        .update(usersTable)
        .set({
          ...(values.secret !== undefined ? { totpSecret: values.secret } : {}),
          ...(values.pending !== undefined ? { totpPending: values.pending } : {}),
        })
        .where(eq(usersTable.id, userId));
    },

    // --- sessions -------------------------------------------------------------------------------

    async createSession(userId: number, ttlMs: number, now = Date.now()): Promise<string> {
      const token = newToken();
      await store.db.insert(sessions).values({
        tokenHash: tokenHash(token),
        userId,
        createdAt: now,
        expiresAt: now + ttlMs,
        lastSeenAt: now,
      });
      return token;
    },

    /** The live session's user; expired, revoked or disabled ones resolve to nothing. */
    async sessionUser(token: string, now = Date.now()): Promise<SessionUser | undefined> {
      const hash = tokenHash(token);
      // One raw statement: this runs on every page view.
      const row = await store.get<{
        id: number;
        email: string;
        role: string;
        lang: string | null;
        time_zone: string | null;
        totp: unknown;
        created_at: number;
        last_seen_at: number;
        watches: unknown;
      }>(
        sql`select u.id, u.email, u.role, u.lang, u.time_zone, u.totp_secret is not null as totp, s.created_at, s.last_seen_at,
           ${watchIdsOfUserSql(store, sql`u.id`)} as watches
         from sessions s join users u on u.id = s.user_id
         where s.token_hash = ${hash} and s.revoked_at is null and s.expires_at > ${now} and u.disabled_at is null`,
      );
      if (!row) return undefined;
      // Touch at most once a minute: a page view should not always be a write.
      if (now - Number(row.last_seen_at) > 60_000)
        await store.run(sql`update sessions set last_seen_at = ${now} where token_hash = ${hash}`);
      return {
        id: row.id,
        email: row.email,
        role: row.role as Role,
        lang: row.lang,
        timeZone: row.time_zone,
        totpEnabled: Boolean(row.totp),
        watchIds: parseWatchIds(row.watches),
        sessionHash: hash,
        sessionCreatedAt: Number(row.created_at),
      };
    },

    async revokeSession(token: string, now = Date.now()): Promise<void> {
      await store.db
        .update(sessions)
        .set({ revokedAt: now })
        .where(eq(sessions.tokenHash, tokenHash(token)));
    },

    /** "Log out everywhere": every session of the user ends now. */
    async revokeAllSessions(userId: number, now = Date.now()): Promise<number> {
      const ended = await store.db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ hash: sessions.tokenHash });
      return ended.length;
    },

    async pruneSessions(now = Date.now()): Promise<void> {
      await store.db.delete(sessions).where(lt(sessions.expiresAt, now - 30 * 86_400_000));
    },

    // --- one-time password links ----------------------------------------------------------------

    async createPasswordLink(userId: number, ttlMs: number, now = Date.now()): Promise<string> {
      const token = newToken();
      await store.db
        .insert(passwordLinks)
        .values({ tokenHash: tokenHash(token), userId, expiresAt: now + ttlMs });
      return token;
    },

    async passwordLinkUser(token: string, now = Date.now()): Promise<User | undefined> {
      const row = (
        await store.db
          .select({ userId: passwordLinks.userId })
          .from(passwordLinks)
          .where(
            and(
              eq(passwordLinks.tokenHash, tokenHash(token)),
              isNull(passwordLinks.usedAt),
              gt(passwordLinks.expiresAt, now),
            ),
          )
      )[0];
      return row ? byId(row.userId) : undefined;
    },

    async usePasswordLink(token: string, now = Date.now()): Promise<boolean> {
      const used = await store.db
        .update(passwordLinks)
        .set({ usedAt: now })
        .where(and(eq(passwordLinks.tokenHash, tokenHash(token)), isNull(passwordLinks.usedAt)))
        .returning({ hash: passwordLinks.tokenHash });
      return used.length === 1;
    },

    // --- API tokens -----------------------------------------------------------------------------

    async createApiToken(userId: number, name: string, now = Date.now()): Promise<string> {
      const token = newToken('vigie_');
      await store.db.insert(apiTokens).values({ tokenHash: tokenHash(token), userId, name, createdAt: now });
      return token;
    },

    async apiTokenUser(token: string, now = Date.now()): Promise<User | undefined> {
      const row = (
        await store.db
          .select({ u: usersTable, id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
          .from(apiTokens)
          .innerJoin(usersTable, eq(usersTable.id, apiTokens.userId))
          .where(
            and(
              eq(apiTokens.tokenHash, tokenHash(token)),
              isNull(apiTokens.revokedAt),
              isNull(usersTable.disabledAt),
            ),
          )
      )[0];
      if (!row) return undefined;
      if (!row.lastUsedAt || now - row.lastUsedAt > 60_000)
        await store.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
      return toUser(store, row.u);
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
