import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/client.ts';

export interface AuditEntry {
  userId: number | null;
  actor: string;
  action: string;
  watchId?: string | null;
  postId?: number | null;
  detail?: Record<string, unknown>;
}

/** Who viewed hostile content, exported, changed settings, logged in: append-only from the app. */
export function createAuditRepo(db: Db) {
  const client = db.$client;
  const revealStatements = new Map<number, Statement<unknown[]>>();
  const insert = client.prepare(
    `insert into audit_log (at, user_id, actor, action, watch_id, post_id, detail) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const actionsStmt = client.prepare(
    `select action, count(distinct coalesce(post_id, id)) as n from audit_log
     where watch_id = ? and at >= ? and action in ('review', 'report', 'flag_archive', 'lookalike_confirm')
     group by action`,
  );
  return {
    /** What people did for this watch since `since` (posts reviewed, reported, archived; look-alikes confirmed). */
    actionsTaken(watchId: string, since: number): Record<string, number> {
      const rows = actionsStmt.all(watchId, since) as { action: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.action, r.n]));
    },

    record(e: AuditEntry, now = Date.now()): void {
      insert.run(
        now,
        e.userId,
        e.actor,
        e.action,
        e.watchId ?? null,
        e.postId ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      );
    },

    /** Posts this user revealed since `since` (the session's start) among `postIds`. */
    revealedSince(userId: number, since: number, postIds: readonly number[]): Set<number> {
      if (postIds.length === 0) return new Set();
      // One statement per page size, prepared once.
      let stmt = revealStatements.get(postIds.length);
      if (!stmt) {
        stmt = client.prepare(
          `select distinct post_id from audit_log where user_id = ? and action = 'reveal' and at >= ? and post_id in (${postIds.map(() => '?').join(',')})`,
        );
        if (postIds.length <= 500) revealStatements.set(postIds.length, stmt);
      }
      const rows = stmt.all(userId, since, ...postIds) as { post_id: number }[];
      return new Set(rows.map((r) => r.post_id));
    },

    list(opts: { watchIds: readonly string[]; before?: number; limit: number }): {
      id: number;
      at: number;
      actor: string;
      action: string;
      watchId: string | null;
      postId: number | null;
      detail: string | null;
    }[] {
      const marks = opts.watchIds.map(() => '?').join(',');
      const rows = client
        .prepare(
          `select id, at, actor, action, watch_id, post_id, detail from audit_log
           where (watch_id is null or watch_id in (${marks || "''"})) ${opts.before ? 'and id < ?' : ''} order by id desc limit ?`,
        )
        .all(...opts.watchIds, ...(opts.before ? [opts.before] : []), opts.limit) as {
        id: number;
        at: number;
        actor: string;
        action: string;
        watch_id: string | null;
        post_id: number | null;
        detail: string | null;
      }[];
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        watchId: r.watch_id,
        postId: r.post_id,
        detail: r.detail,
      }));
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
