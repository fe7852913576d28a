import type { Db } from '../../db/client.ts';
import { newToken, tokenHash } from './tokens.ts';
import type { Role } from './users-repo.ts';

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
export function createInvitationsRepo(db: Db) {
  const c = db.$client;
  const byToken = c.prepare(
    `select i.id, i.user_id as userId, u.email from invitations i join users u on u.id = i.user_id
     where i.token_hash = ? and i.accepted_at is null and i.revoked_at is null and i.expires_at > ?
       and u.disabled_at is null`,
  );
  return {
    create(
      input: { email: string; role: Role; watchIds: readonly string[]; invitedBy: string; ttlMs: number },
      now = Date.now(),
    ): { token: string; userId: number } | { exists: true } {
      const email = input.email.trim().toLowerCase();
      const token = newToken();
      return c.transaction(() => {
        if (c.prepare(`select 1 from users where email = ?`).get(email)) return { exists: true as const };
        const userId = Number(
          c
            .prepare(`insert into users (email, role, password_hash, created_at) values (?, ?, null, ?)`)
            .run(email, input.role, now).lastInsertRowid,
        );
        const link = c.prepare(`insert or ignore into user_watches (user_id, watch_id) values (?, ?)`);
        for (const w of input.watchIds) link.run(userId, w);
        c.prepare(
          `insert into invitations (token_hash, user_id, invited_by, created_at, expires_at) values (?, ?, ?, ?, ?)`,
        ).run(tokenHash(token), userId, input.invitedBy, now, now + input.ttlMs);
        return { token, userId };
      })();
    },

    /** The invited person behind a live link. */
    lookup(token: string, now = Date.now()): { id: number; userId: number; email: string } | undefined {
      return byToken.get(tokenHash(token), now) as { id: number; userId: number; email: string } | undefined;
    },

    /** Marks the link used; false when another request used it first. */
    accept(id: number, now = Date.now()): boolean {
      return (
        c
          .prepare(
            `update invitations set accepted_at = ? where id = ? and accepted_at is null and revoked_at is null`,
          )
          .run(now, id).changes === 1
      );
    },

    pending(now = Date.now()): PendingInvitation[] {
      const rows = c
        .prepare(
          `select i.id, i.user_id as userId, u.email, u.role, i.invited_by as invitedBy, i.created_at as createdAt,
             i.expires_at as expiresAt,
             (select group_concat(w.watch_id, char(0)) from user_watches w where w.user_id = u.id) as watches
           from invitations i join users u on u.id = i.user_id
           where i.accepted_at is null and i.revoked_at is null and i.expires_at > ?
           order by i.created_at desc`,
        )
        .all(now) as (Omit<PendingInvitation, 'watchIds'> & { watches: string | null })[];
      return rows.map(({ watches, ...r }) => ({
        ...r,
        watchIds: watches ? watches.split('\u0000').sort() : [],
      }));
    },

    /** Revokes a pending invitation and removes the account that never had a password. */
    revoke(id: number, now = Date.now()): { email: string } | undefined {
      return c.transaction(() => {
        const row = c
          .prepare(
            `select i.user_id as userId, u.email from invitations i join users u on u.id = i.user_id
             where i.id = ? and i.accepted_at is null and i.revoked_at is null`,
          )
          .get(id) as { userId: number; email: string } | undefined;
        if (!row) return undefined;
        c.prepare(`update invitations set revoked_at = ? where id = ?`).run(now, id);
        c.prepare(`delete from users where id = ? and password_hash is null`).run(row.userId);
        return { email: row.email };
      })();
    },

    /** Accounts with their state, for the People page. */
    accounts(): {
      id: number;
      email: string;
      role: Role;
      disabled: boolean;
      pending: boolean;
      watchIds: string[];
    }[] {
      const rows = c
        .prepare(
          `select u.id, u.email, u.role, u.disabled_at is not null as disabled, u.password_hash is null as pending,
             (select group_concat(w.watch_id, char(0)) from user_watches w where w.user_id = u.id) as watches
           from users u order by u.email`,
        )
        .all() as {
        id: number;
        email: string;
        role: Role;
        disabled: number;
        pending: number;
        watches: string | null;
      }[];
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        disabled: r.disabled === 1,
        pending: r.pending === 1,
        watchIds: r.watches ? r.watches.split('\u0000').sort() : [],
      }));
    },

    /** Disables an account and ends its sessions. */
    disable(userId: number, now = Date.now()): boolean {
      return c.transaction(() => {
        const changed = c
          .prepare(`update users set disabled_at = ? where id = ? and disabled_at is null`)
          .run(now, userId).changes;
        c.prepare(`update sessions set revoked_at = ? where user_id = ? and revoked_at is null`).run(
          now,
          userId,
        );
        return changed === 1;
      })();
    },
  };
}

export type InvitationsRepo = ReturnType<typeof createInvitationsRepo>;
