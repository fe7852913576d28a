import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiTokens, passwordLinks, sessions, userWatches, users } from '../../db/schema/index.ts';
import { newToken, tokenHash } from './tokens.ts';

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

export function createUsersRepo(db: Db) {
  const sessionStmt = db.$client.prepare(
    `select u.id, u.email, u.role, u.lang, u.time_zone, u.totp_secret is not null as totp, s.created_at, s.last_seen_at,
       (select group_concat(w.watch_id, char(0)) from user_watches w where w.user_id = u.id) as watches
     from sessions s join users u on u.id = s.user_id
     where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and u.disabled_at is null`,
  );
  const touchStmt = db.$client.prepare(`update sessions set last_seen_at = ? where token_hash = ?`);
  function watchIdsOf(userId: number): string[] {
    return db
      .select({ w: userWatches.watchId })
      .from(userWatches)
      .where(eq(userWatches.userId, userId))
      .orderBy(asc(userWatches.watchId))
      .all()
      .map((r) => r.w);
  }
  function toUser(row: typeof users.$inferSelect): User {
    return {
      id: row.id,
      email: row.email,
      role: row.role as Role,
      lang: row.lang,
      timeZone: row.timeZone,
      totpEnabled: !!row.totpSecret,
      watchIds: watchIdsOf(row.id),
    };
  }

  return {
    /** Creates the account, or updates its role and adds the watches when it exists. */
    upsert(
      input: { email: string; role: Role; watchIds: readonly string[]; passwordHash?: string | null },
      now = Date.now(),
    ): User {
      const email = input.email.trim().toLowerCase();
      return db.transaction((tx) => {
        const existing = tx.select().from(users).where(eq(users.email, email)).get();
        const id =
          existing?.id ??
          tx
            .insert(users)
            .values({ email, role: input.role, passwordHash: input.passwordHash ?? null, createdAt: now })
            .returning({ id: users.id })
            .get().id;
        if (existing) {
          tx.update(users)
            .set({ role: input.role, ...(input.passwordHash ? { passwordHash: input.passwordHash } : {}) })
            .where(eq(users.id, id))
            .run();
        }
        for (const w of input.watchIds)
          tx.insert(userWatches).values({ userId: id, watchId: w }).onConflictDoNothing().run();
        return toUser(tx.select().from(users).where(eq(users.id, id)).get()!);
      });
    },

    byEmail(
      email: string,
    ): (User & { passwordHash: string | null; totpSecret: string | null; disabled: boolean }) | undefined {
      const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
      return row
        ? {
            ...toUser(row),
            passwordHash: row.passwordHash,
            totpSecret: row.totpSecret,
            disabled: row.disabledAt !== null,
          }
        : undefined;
    },

    byId(id: number): User | undefined {
      const row = db.select().from(users).where(eq(users.id, id)).get();
      return row ? toUser(row) : undefined;
    },

    list(): User[] {
      return db.select().from(users).orderBy(asc(users.email)).all().map(toUser);
    },

    linkWatch(userId: number, watchId: string): void {
      db.insert(userWatches).values({ userId, watchId }).onConflictDoNothing().run();
    },

    setPassword(userId: number, passwordHash: string): void {
      db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    },

    setLang(userId: number, lang: string | null): void {
      db.update(users).set({ lang }).where(eq(users.id, userId)).run();
    },

    /** The zone must already be a valid IANA name (render/time-zone.ts checks it). */
    setTimeZone(userId: number, timeZone: string | null): void {
      db.update(users).set({ timeZone }).where(eq(users.id, userId)).run();
    },

    totp(userId: number): { secret: string | null; pending: string | null } {
      const row = db
        .select({ s: users.totpSecret, p: users.totpPending })
        .from(users)
        .where(eq(users.id, userId))
        .get();
      return { secret: row?.s ?? null, pending: row?.p ?? null };
    },

    setTotp(userId: number, values: { secret?: string | null; pending?: string | null }): void {
      db.update(users)
        .set({
          ...(values.secret !== undefined ? { totpSecret: values.secret } : {}),
          ...(values.pending !== undefined ? { totpPending: values.pending } : {}),
        })
        .where(eq(users.id, userId))
        .run();
    },

    // --- sessions -------------------------------------------------------------------------------

    createSession(userId: number, ttlMs: number, now = Date.now()): string {
      const token = newToken();
      db.insert(sessions)
        .values({
          tokenHash: tokenHash(token),
          userId,
          createdAt: now,
          expiresAt: now + ttlMs,
          lastSeenAt: now,
        })
        .run();
      return token;
    },

    /** The live session's user; expired, revoked or disabled ones resolve to nothing. */
    sessionUser(token: string, now = Date.now()): SessionUser | undefined {
      const hash = tokenHash(token);
      // Raw statements: this runs on every page view.
      const row = sessionStmt.get(hash, now) as
        | {
            id: number;
            email: string;
            role: string;
            lang: string | null;
            time_zone: string | null;
            totp: number;
            created_at: number;
            last_seen_at: number;
            watches: string | null;
          }
        | undefined;
      if (!row) return undefined;
      // Touch at most once a minute: a page view should not always be a write.
      if (now - row.last_seen_at > 60_000) touchStmt.run(now, hash);
      return {
        id: row.id,
        email: row.email,
        role: row.role as Role,
        lang: row.lang,
        timeZone: row.time_zone,
        totpEnabled: row.totp === 1,
        watchIds: row.watches ? row.watches.split('\u0000').sort() : [],
        sessionHash: hash,
        sessionCreatedAt: row.created_at,
      };
    },

    revokeSession(token: string, now = Date.now()): void {
      db.update(sessions)
        .set({ revokedAt: now })
        .where(eq(sessions.tokenHash, tokenHash(token)))
        .run();
    },

    /** "Log out everywhere": every session of the user ends now. */
    revokeAllSessions(userId: number, now = Date.now()): number {
      return db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .run().changes;
    },

    pruneSessions(now = Date.now()): void {
      db.delete(sessions)
        .where(sql`${sessions.expiresAt} < ${now - 30 * 86_400_000}`)
        .run();
    },

    // --- one-time password links ----------------------------------------------------------------

    createPasswordLink(userId: number, ttlMs: number, now = Date.now()): string {
      const token = newToken();
      db.insert(passwordLinks)
        .values({ tokenHash: tokenHash(token), userId, expiresAt: now + ttlMs })
        .run();
      return token;
    },

    passwordLinkUser(token: string, now = Date.now()): User | undefined {
      const row = db
        .select({ userId: passwordLinks.userId })
        .from(passwordLinks)
        .where(
          and(
            eq(passwordLinks.tokenHash, tokenHash(token)),
            isNull(passwordLinks.usedAt),
            gt(passwordLinks.expiresAt, now),
          ),
        )
        .get();
      return row ? this.byId(row.userId) : undefined;
    },

    usePasswordLink(token: string, now = Date.now()): boolean {
      return (
        db
          .update(passwordLinks)
          .set({ usedAt: now })
          .where(and(eq(passwordLinks.tokenHash, tokenHash(token)), isNull(passwordLinks.usedAt)))
          .run().changes === 1
      );
    },

    // --- API tokens -----------------------------------------------------------------------------

    createApiToken(userId: number, name: string, now = Date.now()): string {
      const token = newToken('vigie_');
      db.insert(apiTokens)
        .values({ tokenHash: tokenHash(token), userId, name, createdAt: now })
        .run();
      return token;
    },

    apiTokenUser(token: string, now = Date.now()): User | undefined {
      const row = db
        .select({ u: users, id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(
          and(
            eq(apiTokens.tokenHash, tokenHash(token)),
            isNull(apiTokens.revokedAt),
            isNull(users.disabledAt),
          ),
        )
        .get();
      if (!row) return undefined;
      if (!row.lastUsedAt || now - row.lastUsedAt > 60_000)
        db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
      return toUser(row.u);
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
