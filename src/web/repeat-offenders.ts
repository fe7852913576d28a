import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import { LEVELS } from '../scoring/index.ts';
import { HOSTILE_SQL, LEVEL_RANK_SQL, SITE_ROW_SQL, siteSql } from './triage-row.ts';

// The authors page's query: who keeps coming back (repeat offenders), and web pages by site.

export function repeatOffenderQueries(store: Store) {
  const site = siteSql(store.dialect);
  const hostileCount = sql`sum(case when ${HOSTILE_SQL} then 1 else 0 end)`;
  return {
    /**
     * Repeat offenders: authors with at least two hostile posts (the scorer's or a person's
     * verdict), most hostile posts first. Web pages that name no author are grouped by site,
     * whose host is given as `site`.
     */
    async authors(
      watchId: string,
      limit: number,
    ): Promise<
      {
        authorId: number | null;
        site: string | null;
        platform: string;
        handle: string | null;
        name: string | null;
        posts: number;
        hostile: number;
        worstLevel: string;
        lastSeenAt: number;
      }[]
    > {
      // Author id, site and platform are the same on every row of a group; min() picks that value
      // (PostgreSQL refuses a column that is neither grouped nor aggregated).
      const rows = await store.all<{
        author_id: number | null;
        site: string | null;
        platform: string;
        handle: string | null;
        name: string | null;
        n: number;
        hostile_n: number;
        worst: number;
        last_seen: number;
      }>(
        sql`select min(case when ${SITE_ROW_SQL} then null else p.author_id end) as author_id,
              min(case when ${SITE_ROW_SQL} then ${site} end) as site,
              min(p.platform) as platform, max(p.author_handle) as handle, max(p.author_name) as name, count(*) as n,
              ${hostileCount} as hostile_n,
              max(${LEVEL_RANK_SQL}) as worst, max(p.first_seen_at) as last_seen
            from posts p
            where p.watch_id = ${watchId} and (p.author_id is not null or (${SITE_ROW_SQL} and p.url like '%://%'))
            group by case when ${SITE_ROW_SQL} and p.url like '%://%' then 'site:' || ${site} else 'author:' || cast(p.author_id as text) end
            having ${hostileCount} >= 2 order by hostile_n desc, n desc, last_seen desc limit ${limit}`,
      );
      return rows.map((r) => ({
        authorId: r.author_id,
        site: r.site,
        platform: r.platform,
        handle: r.site ? null : r.handle,
        name: r.site ? null : r.name,
        posts: Number(r.n),
        hostile: Number(r.hostile_n),
        worstLevel: LEVELS[Number(r.worst)] ?? 'none',
        lastSeenAt: Number(r.last_seen),
      }));
    },
  };
}
