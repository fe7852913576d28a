import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import type { Match } from '../scoring/index.ts';

// Read-only queries for digests. Digests count posts by when Vigie first saw them, so a period's
// figures are final once the period is over and a missed digest sent late says the same thing.

export interface TopItem {
  id: number;
  text: string;
  matches: Match[];
  level: string | null;
  score: number | null;
  categories: string[];
  platform: string;
  authorHandle: string | null;
  authorName: string | null;
  seenAt: number;
}

export interface RepeatAuthor {
  platform: string;
  handle: string | null;
  name: string | null;
  count: number;
}

export interface EvidenceCounts {
  archived: number;
  pending: number;
  failed: number;
}

/** Categories that alert proxies at once (plus any post of level `severe`). */
export const ALERT_CATEGORIES = [
  'threat',
  'suicide_incitement',
  'doxxing',
  'doxxing_language',
  'impersonation',
];
const ARCHIVED = ['archived'];
const FAILED = ['blocked', 'not_found', 'no_access', 'failed', 'error'];

const ITEM_COLUMNS = sql.raw(
  'p.id, p.text, p.matches, p.level, p.score, p.categories, p.platform, p.author_handle, p.author_name, p.first_seen_at',
);

/**
 * The elements of a JSON array column (TEXT in both dialects) as a row source `j` whose column
 * `value` is each element as text: `from posts p, ${jsonElements(store, 'p.categories')}`.
 */
export function jsonElements(store: Store, column: string): SQL {
  const col = sql.raw(column);
  return store.dialect === 'postgres'
    ? sql`jsonb_array_elements_text(coalesce(${col}, '[]')::jsonb) as j(value)`
    : sql`json_each(coalesce(${col}, '[]')) as j`;
}

const list = (values: readonly string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

export function createDigestRepo(store: Store) {
  const range = (watchId: string, from: number, to: number) =>
    sql`p.watch_id = ${watchId} and p.first_seen_at >= ${from} and p.first_seen_at < ${to}`;

  return {
    async totals(watchId: string, from: number, to: number): Promise<{ total: number; hostile: number }> {
      // A post a person marked hostile (post_labels) counts as hostile, like the scorer's.
      const row = await store.get<{ total: number | string; hostile: number | string }>(
        sql`select count(*) as total,
              coalesce(sum(case when p.hostile = true or exists (select 1 from post_labels l where l.post_id = p.id) then 1 else 0 end), 0) as hostile
            from posts p where ${range(watchId, from, to)}`,
      );
      return { total: Number(row?.total ?? 0), hostile: Number(row?.hostile ?? 0) };
    },

    async byLevel(watchId: string, from: number, to: number): Promise<Record<string, number>> {
      const rows = await store.all<{ level: string; n: number | string }>(
        sql`select coalesce(p.level, 'none') as level, count(*) as n from posts p where ${range(watchId, from, to)}
            group by coalesce(p.level, 'none')`,
      );
      return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
    },

    async byCategory(
      watchId: string,
      from: number,
      to: number,
    ): Promise<{ category: string; count: number }[]> {
      // The scorer's categories and, for posts a person marked hostile, the category they chose.
      const rows = await store.all<{ category: string; count: number | string }>(
        sql`select c.category as category, count(*) as count from (
              select p.id, j.value as category from posts p, ${jsonElements(store, 'p.categories')}
              where ${range(watchId, from, to)}
              union
              select p.id, l.category from posts p join post_labels l on l.post_id = p.id
              where ${range(watchId, from, to)}
            ) as c group by c.category order by count(*) desc, c.category`,
      );
      return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
    },

    async topItems(watchId: string, from: number, to: number, limit: number): Promise<TopItem[]> {
      const rows = await store.all<Record<string, unknown>>(
        // NULLS LAST: SQLite's order for a descending sort, which PostgreSQL reverses by default.
        sql`select ${ITEM_COLUMNS} from posts p
            where ${range(watchId, from, to)} and p.hostile = true order by p.score desc nulls last, p.id limit ${limit}`,
      );
      return rows.map(toItem);
    },

    /** Authors whose second hostile post (in this watch) arrived during the period. */
    async newRepeatAuthors(watchId: string, from: number, to: number, limit = 10): Promise<RepeatAuthor[]> {
      // The author's handle, name and platform follow from the author: grouped by too, as
      // PostgreSQL asks for every selected column.
      const rows = await store.all<{
        platform: string;
        handle: string | null;
        name: string | null;
        count: number | string;
      }>(
        sql`select p.platform as platform, a.handle as handle, a.name as name, count(*) as count
            from posts p join authors a on a.id = p.author_id
            where p.watch_id = ${watchId} and p.hostile = true and p.first_seen_at < ${to}
            group by p.author_id, p.platform, a.handle, a.name
            having count(*) >= 2 and sum(case when p.first_seen_at < ${from} then 1 else 0 end) < 2
            order by count(*) desc limit ${limit}`,
      );
      return rows.map((r) => ({
        platform: r.platform,
        handle: r.handle,
        name: r.name,
        count: Number(r.count),
      }));
    },

    /**
     * Evidence status of the period's hostile posts, from the evidence module's `archives` table;
     * null ("unknown") when that table does not exist in this database.
     */
    async evidence(
      watchId: string,
      from: number,
      to: number,
      archiveLevels: readonly string[] = [],
    ): Promise<EvidenceCounts | null> {
      const cols = await store.all<{ name: string }>(
        store.dialect === 'postgres'
          ? sql`select column_name as name from information_schema.columns
                where table_schema = current_schema() and table_name = 'archives'`
          : sql`select name from pragma_table_info('archives')`,
      );
      const names = new Set(cols.map((c) => c.name));
      if (!names.has('post_id') || !names.has('status')) return null;
      const rows = await store.all<{ status: string; n: number | string }>(
        sql`select a.status as status, count(*) as n from archives a join posts p on p.id = a.post_id
            where ${range(watchId, from, to)} group by a.status`,
      );
      const out: EvidenceCounts = { archived: 0, pending: 0, failed: 0 };
      // Posts due for archiving (at the watch's threshold) that the archiver has not picked up yet.
      if (archiveLevels.length > 0) {
        const waiting = await store.get<{ n: number | string }>(
          sql`select count(*) as n from posts p where ${range(watchId, from, to)} and p.hostile = true
              and p.level in (${list(archiveLevels)}) and not exists (select 1 from archives a where a.post_id = p.id)`,
        );
        out.pending += Number(waiting?.n ?? 0);
      }
      for (const r of rows) {
        const n = Number(r.n);
        if (ARCHIVED.includes(r.status)) out.archived += n;
        else if (FAILED.includes(r.status)) out.failed += n;
        else out.pending += n;
      }
      return out;
    },

    /**
     * Posts that call for an immediate alert (threat, incitement to suicide, doxxing, or severe)
     * seen since `since` and not yet alerted to this recipient, oldest first.
     */
    async alertWorthy(watchId: string, recipientId: number, since: number, limit = 200): Promise<TopItem[]> {
      const rows = await store.all<Record<string, unknown>>(
        sql`select ${ITEM_COLUMNS} from posts p
            where p.watch_id = ${watchId} and p.first_seen_at >= ${since}
              and (p.level = 'severe' or exists (select 1 from ${jsonElements(store, 'p.categories')} where j.value in (${list(ALERT_CATEGORIES)})))
              and not exists (select 1 from alerted_posts a where a.recipient_id = ${recipientId} and a.post_id = p.id)
            order by p.id limit ${limit}`,
      );
      return rows.map(toItem);
    },

    /** Immediate alerts sent to this watch's recipients during the period (an action taken). */
    async alertsSent(watchId: string, from: number, to: number): Promise<number> {
      const row = await store.get<{ n: number | string }>(
        sql`select count(*) as n from messages where watch_id = ${watchId} and kind in ('alert', 'alerts_grouped', 'wave_start')
            and created_at >= ${from} and created_at < ${to}`,
      );
      return Number(row?.n ?? 0);
    },
  };
}

function toItem(r: Record<string, unknown>): TopItem {
  return {
    id: Number(r.id),
    text: r.text as string,
    matches: JSON.parse((r.matches as string | null) ?? '[]') as Match[],
    level: r.level as string | null,
    score: r.score === null || r.score === undefined ? null : Number(r.score),
    categories: JSON.parse((r.categories as string | null) ?? '[]') as string[],
    platform: r.platform as string,
    authorHandle: r.author_handle as string | null,
    authorName: r.author_name as string | null,
    seenAt: Number(r.first_seen_at),
  };
}

export type DigestRepo = ReturnType<typeof createDigestRepo>;
