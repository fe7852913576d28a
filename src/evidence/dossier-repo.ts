import type { Db } from '../db/client.ts';

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

export function createDossierRepo(db: Db) {
  const client = db.$client;
  return {
    /** Posts of the watch at these levels, or flagged by hand, published (or seen) within [from, to]. */
    select(o: { watchId: string; levels: readonly string[]; from?: number; to?: number }): DossierPost[] {
      const params: unknown[] = [o.watchId, ...o.levels];
      let when = '';
      if (o.from !== undefined) {
        when += ' and coalesce(p.created_at, p.first_seen_at) >= ?';
        params.push(o.from);
      }
      if (o.to !== undefined) {
        when += ' and coalesce(p.created_at, p.first_seen_at) <= ?';
        params.push(o.to);
      }
      const rows = client
        .prepare(
          `select p.id, p.watch_id as watchId, p.platform, p.external_id as externalId, p.url, p.author_handle as authorHandle,
             p.author_name as authorName, p.text, p.lang, p.created_at as createdAt, p.first_seen_at as firstSeenAt, p.raw,
             p.raw_sha256 as rawSha256, p.score, p.level, p.categories, a.status as archiveStatus, a.capture_url as captureUrl,
             a.capture_timestamp as captureTimestamp, a.requested_by as requestedBy, a.deleted_upstream_at as deletedUpstreamAt,
             l.category as humanLabel
           from posts p left join archives a on a.post_id = p.id left join post_labels l on l.post_id = p.id
           where p.watch_id = ? and (p.level in (${o.levels.map(() => '?').join(',') || 'null'}) or (a.requested_by is not null and a.requested_by <> 'auto') or l.post_id is not null)${when}
           order by coalesce(p.created_at, p.first_seen_at), p.id`,
        )
        .all(...params) as (Omit<DossierPost, 'categories'> & { categories: string | null })[];
      return rows.map((r) => ({
        ...r,
        categories: r.categories ? (JSON.parse(r.categories) as string[]) : [],
      }));
    },
  };
}

export type DossierRepo = ReturnType<typeof createDossierRepo>;
