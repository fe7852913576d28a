import { sql } from 'drizzle-orm';
import type { Store } from '../../db/store.ts';
import { newToken, tokenHash } from './tokens.ts';
import type { Role } from './users-repo.ts';
import { parseWatchIds, watchIdsOfUserSql } from './watch-list-sql.ts';

export interface PendingInvitation {
  id: number;
  userId: number;
  email: string;
  role: Role;
  watchIds: string[];
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * Invitations: the invited account is created without a password, and a one-time link (only its
 * digest kept) lets the person choose one. Revoking removes the account that never signed in.
 */
export function createInvitationsRepo(store: Store) {
  const watchesOfU = watchIdsOfUserSql(store, sql`u.id`);
  return {
    create(
      input: { email: string; role: Role; watchIds: readonly string[]; invitedBy: string; ttlMs: number },
      now = Date.now(),
    ): Promise<{ token: string; userId: number } | { exists: true }> {
      const email = input.email.trim().toLowerCase();
      const token = newToken();
      return store.transaction(async (tx) => {
        if (await tx.get(sql`select 1 as one from users where email = ${email}`))
          return { exists: true as const };
        const created = await tx.get<{ id: number }>(
          sql`insert into users (email, role, password_hash, created_at) values (${email}, ${input.role}, null, ${now}) returning id`,
        );
        const userId = Number(created!.id);
        if (input.watchIds.length > 0)
          await tx.run(
            sql`insert into user_watches (user_id, watch_id) values ${sql.join(
              input.watchIds.map((w) => sql`(${userId}, ${w})`),
              sql`, `,
            )} on conflict do nothing`,
          );
        await tx.run(
          sql`insert into invitations (token_hash, user_id, invited_by, created_at, expires_at)
              values (${tokenHash(token)}, ${userId}, ${input.invitedBy}, ${now}, ${now + input.ttlMs})`,
        );
        return { token, userId };
      });
    },

    /** The invited person behind a live link. */
    async lookup(
      token: string,
      now = Date.now(),
    ): Promise<{ id: number; userId: number; email: string } | undefined> {
      return store.get<{ id: number; userId: number; email: string }>(
        sql`select i.id, i.user_id as "userId", u.email from invitations i join users u on u.id = i.user_id
            where i.token_hash = ${tokenHash(token)} and i.accepted_at is null and i.revoked_at is null
              and i.expires_at > ${now} and u.disabled_at is null`,
      );
    },

    /** Marks the link used; false when another request used it first. */
    async accept(id: number, now = Date.now()): Promise<boolean> {
      const { changes } = await store.run(
        sql`update invitations set accepted_at = ${now} where id = ${id} and accepted_at is null and revoked_at is null`,
      );
      return changes === 1;
    },

    async pending(now = Date.now()): Promise<PendingInvitation[]> {
      const rows = await store.all<Omit<PendingInvitation, 'watchIds'> & { watches: unknown }>(
        sql`select i.id, i.user_id as "userId", u.email, u.role, i.invited_by as "invitedBy", i.created_at as "createdAt",
              i.expires_at as "expiresAt", ${watchesOfU} as watches
            from invitations i join users u on u.id = i.user_id
            where i.accepted_at is null and i.revoked_at is null and i.expires_at > ${now}
            order by i.created_at desc`,
      );
      return rows.map(({ watches, ...r }) => ({
        ...r,
        createdAt: Number(r.createdAt),
        expiresAt: Number(r.expiresAt),
        watchIds: parseWatchIds(watches),
      }));
    },

    /** Revokes a pending invitation and removes the account that never had a password. */
    revoke(id: number, now = Date.now()): Promise<{ email: string } | undefined> {
      return store.transaction(async (tx) => {
        const row = await tx.get<{ userId: number; email: string }>(
          sql`select i.user_id as "userId", u.email from invitations i join users u on u.id = i.user_id
              where i.id = ${id} and i.accepted_at is null and i.revoked_at is null`,
        );
        if (!row) return undefined;
        await tx.run(sql`update invitations set revoked_at = ${now} where id = ${id}`);
        await tx.run(sql`delete from users where id = ${row.userId} and password_hash is null`);
        return { email: row.email };
      });
    },

    /** Accounts with their state, for the People page. */
    async accounts(): Promise<
      {
        id: number;
        email: string;
        role: Role;
        disabled: boolean;
        pending: boolean;
        watchIds: string[];
      }[]
    > {
      const rows = await store.all<{
        id: number;
        email: string;
        role: Role;
        disabled: unknown;
        pending: unknown;
        watches: unknown;
      }>(
        sql`select u.id, u.email, u.role, u.disabled_at is not null as disabled, u.password_hash is null as pending,
              ${watchesOfU} as watches
            from users u order by u.email`,
      );
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        disabled: Boolean(r.disabled),
        pending: Boolean(r.pending),
        watchIds: parseWatchIds(r.watches),
      }));
    },

    /** Disables an account and ends its sessions. */
    disable(userId: number, now = Date.now()): Promise<boolean> {
      return store.transaction(async (tx) => {
        const { changes } = await tx.run(
          sql`update users set disabled_at = ${now} where id = ${userId} and disabled_at is null`,
        );
        await tx.run(
          sql`update sessions set revoked_at = ${now} where user_id = ${userId} and revoked_at is null`,
        );
        return changes === 1;
      });
    },
  };
}

export type InvitationsRepo = ReturnType<typeof createInvitationsRepo>;
