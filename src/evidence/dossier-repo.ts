import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';

// The posts a dossier holds, with their archive state: one query, in the order they were seen.

export interface DossierPost {
  id: number;
  watchId: string;
  platform: string;
  externalId: string;
  url: string | null;
  authorHandle: string | null;
  authorName: string | null;
  text: string;
  lang: string | null;
  createdAt: number | null;
  firstSeenAt: number;
  raw: string;
  rawSha256: string;
  score: number | null;
  level: string | null;
  categories: string[];
  archiveStatus: string | null;
  captureUrl: string | null;
  captureTimestamp: string | null;
  requestedBy: string | null;
  deletedUpstreamAt: number | null;
  /** The category a person gave when marking the post hostile by hand (beside the scorer's). */
  humanLabel: string | null;
}

/** A proxy's decision on a post (triage) and the reports filed about it, with who did it. */
export interface PostDecisions {
  review: { status: string; by: string | null; at: number } | null;
  reports: { channel: string; reportedAt: number; reference: string | null; by: string | null }[];
}

export function createDossierRepo(store: Store) {
  return {
    /** Review status and reports filed, for the posts of a watch that have any. */
    async decisions(watchId: string): Promise<Map<number, PostDecisions>> {
      const out = new Map<number, PostDecisions>();
      const get = (id: number) => {
        let d = out.get(id);
        if (!d) out.set(id, (d = { review: null, reports: [] }));
        return d;
      };
      const reviews = await store.all<{ postId: number; status: string; byEmail: string | null; at: number }>(
        sql`select r.post_id as "postId", r.status, u.email as "byEmail", r.updated_at as at
            from post_reviews r left join users u on u.id = r.updated_by where r.watch_id = ${watchId}`,
      );
      for (const r of reviews) get(r.postId).review = { status: r.status, by: r.byEmail, at: r.at };
      const reports = await store.all<{
        postId: number;
        channel: string;
        reportedAt: number;
        reference: string | null;
        byEmail: string | null;
      }>(
        sql`select r.post_id as "postId", r.channel, r.reported_at as "reportedAt", r.reference, u.email as "byEmail"
            from post_reports r join posts p on p.id = r.post_id left join users u on u.id = r.user_id
            where p.watch_id = ${watchId} order by r.reported_at, r.id`,
      );
      for (const r of reports)
        get(r.postId).reports.push({
          channel: r.channel,
          reportedAt: r.reportedAt,
          reference: r.reference,
          by: r.byEmail,
        });
      return out;
    },

    /** Posts of the watch at these levels, or flagged by hand, published (or seen) within [from, to]. */
    async select(o: {
      watchId: string;
      levels: readonly string[];
      from?: number;
      to?: number;
    }): Promise<DossierPost[]> {
      const levels =
        o.levels.length === 0
          ? sql`(null)`
          : sql`(${sql.join(
              o.levels.map((l) => sql`${l}`),
              sql`, `,
            )})`;
      const from =
        o.from !== undefined ? sql` and coalesce(p.created_at, p.first_seen_at) >= ${o.from}` : sql``;
      const to = o.to !== undefined ? sql` and coalesce(p.created_at, p.first_seen_at) <= ${o.to}` : sql``;
      const rows = await store.all<Omit<DossierPost, 'categories'> & { categories: string | null }>(
        sql`select p.id, p.watch_id as "watchId", p.platform, p.external_id as "externalId", p.url,
              p.author_handle as "authorHandle", p.author_name as "authorName", p.text, p.lang,
              p.created_at as "createdAt", p.first_seen_at as "firstSeenAt", p.raw, p.raw_sha256 as "rawSha256",
              p.score, p.level, p.categories, a.status as "archiveStatus", a.capture_url as "captureUrl",
              a.capture_timestamp as "captureTimestamp", a.requested_by as "requestedBy",
              a.deleted_upstream_at as "deletedUpstreamAt", l.category as "humanLabel"
            from posts p left join archives a on a.post_id = p.id left join post_labels l on l.post_id = p.id
            where p.watch_id = ${o.watchId}
              and (p.level in ${levels} or (a.requested_by is not null and a.requested_by <> 'auto') or l.post_id is not null)${from}${to}
            order by coalesce(p.created_at, p.first_seen_at), p.id`,
      );
      return rows.map((r) => ({
        ...r,
        categories: r.categories ? (JSON.parse(r.categories) as string[]) : [],
      }));
    },
  };
}

export type DossierRepo = ReturnType<typeof createDossierRepo>;
