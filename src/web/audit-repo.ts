import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';

export interface AuditEntry {
  userId: number | null;
  actor: string;
  action: string;
  watchId?: string | null;
  postId?: number | null;
  detail?: Record<string, unknown>;
}

/** Who viewed hostile content, exported, changed settings, logged in: append-only from the app. */
export function createAuditRepo(store: Store) {
  return {
    /** What people did for this watch since `since` (posts reviewed, reported, archived; look-alikes confirmed). */
    async actionsTaken(watchId: string, since: number): Promise<Record<string, number>> {
      const rows = await store.all<{ action: string; n: number }>(
        sql`select action, count(distinct coalesce(post_id, id)) as n from audit_log
            where watch_id = ${watchId} and at >= ${since} and action in ('review', 'report', 'flag_archive', 'lookalike_confirm')
            group by action`,
      );
      return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
    },

    async record(e: AuditEntry, now = Date.now()): Promise<void> {
      await store.run(
        sql`insert into audit_log (at, user_id, actor, action, watch_id, post_id, detail)
            values (${now}, ${e.userId}, ${e.actor}, ${e.action}, ${e.watchId ?? null}, ${e.postId ?? null},
              ${e.detail ? JSON.stringify(e.detail) : null})`,
      );
    },

    /** Posts this user revealed since `since` (the session's start) among `postIds`. */
    async revealedSince(userId: number, since: number, postIds: readonly number[]): Promise<Set<number>> {
      if (postIds.length === 0) return new Set();
      const rows = await store.all<{ post_id: number }>(
        sql`select distinct post_id from audit_log where user_id = ${userId} and action = 'reveal' and at >= ${since}
            and post_id in (${sql.join(
              postIds.map((id) => sql`${id}`),
              sql`, `,
            )})`,
      );
      return new Set(rows.map((r) => Number(r.post_id)));
    },

    async list(opts: { watchIds: readonly string[]; before?: number; limit: number }): Promise<
      {
        id: number;
        at: number;
        actor: string;
        action: string;
        watchId: string | null;
        postId: number | null;
        detail: string | null;
      }[]
    > {
      const watchList =
        opts.watchIds.length > 0
          ? sql.join(
              opts.watchIds.map((w) => sql`${w}`),
              sql`, `,
            )
          : sql`''`;
      const rows = await store.all<{
        id: number;
        at: number;
        actor: string;
        action: string;
        watch_id: string | null;
        post_id: number | null;
        detail: string | null;
      }>(
        sql`select id, at, actor, action, watch_id, post_id, detail from audit_log
            where (watch_id is null or watch_id in (${watchList})) ${opts.before ? sql`and id < ${opts.before}` : sql``}
            order by id desc limit ${opts.limit}`,
      );
      return rows.map((r) => ({
        id: r.id,
        at: Number(r.at),
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
