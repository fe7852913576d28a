import type { Db } from '../db/client.ts';
import { LEVELS } from '../scoring/index.ts';
import { HOSTILE_SQL, LEVEL_RANK_SQL, SITE_ROW_SQL, SITE_SQL } from './triage-row.ts';

// The authors page's query: who keeps coming back (repeat offenders), and web pages by site.

export function repeatOffenderQueries(db: Db) {
  // Prepared on first use: the whole query is fixed.
  let stmt: ReturnType<Db['$client']['prepare']> | undefined;
  const prepare = (sqlText: string) => (stmt ??= db.$client.prepare(sqlText));
  return {
    /**
     * Repeat offenders: authors with at least two hostile posts (the scorer's or a person's
     * verdict), most hostile posts first. Web pages that name no author are grouped by site,
     * whose host is given as `site`.
     */
    authors(
      watchId: string,
      limit: number,
    ): {
      authorId: number | null;
      site: string | null;
      platform: string;
      handle: string | null;
      name: string | null;
      posts: number;
      hostile: number;
      worstLevel: string;
      lastSeenAt: number;
    }[] {
      const rows = prepare(
        `select case when ${SITE_ROW_SQL} then null else p.author_id end as author_id,
             case when ${SITE_ROW_SQL} then ${SITE_SQL} end as site,
             p.platform, max(p.author_handle) as handle, max(p.author_name) as name, count(*) as n,
             sum(case when ${HOSTILE_SQL} then 1 else 0 end) as hostile_n,
             max(${LEVEL_RANK_SQL}) as worst, max(p.first_seen_at) as last_seen
           from posts p
           where p.watch_id = ? and (p.author_id is not null or (${SITE_ROW_SQL} and p.url like '%://%'))
           group by case when ${SITE_ROW_SQL} and p.url like '%://%' then 'site:' || ${SITE_SQL} else 'author:' || p.author_id end
           having hostile_n >= 2 order by hostile_n desc, n desc, last_seen desc limit ?`,
      ).all(watchId, limit) as {
        author_id: number | null;
        site: string | null;
        platform: string;
        handle: string | null;
        name: string | null;
        n: number;
        hostile_n: number;
        worst: number;
        last_seen: number;
      }[];
      return rows.map((r) => ({
        authorId: r.author_id,
        site: r.site,
        platform: r.platform,
        handle: r.site ? null : r.handle,
        name: r.site ? null : r.name,
        posts: r.n,
        hostile: r.hostile_n,
        worstLevel: LEVELS[r.worst] ?? 'none',
        lastSeenAt: r.last_seen,
      }));
    },
  };
}
