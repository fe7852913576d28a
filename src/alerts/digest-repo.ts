import type { Db } from '../db/client.ts';
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

export function createDigestRepo(db: Db) {
  const client = db.$client;
  const range = 'watch_id = ? and first_seen_at >= ? and first_seen_at < ?';

  return {
    totals(watchId: string, from: number, to: number): { total: number; hostile: number } {
      return (
        client
          // A post a person marked hostile (post_labels) counts as hostile, like the scorer's.
          .prepare(
            `select count(*) as total, coalesce(sum(hostile = 1 or exists (select 1 from post_labels l where l.post_id = posts.id)), 0) as hostile from posts where ${range}`,
          )
          .get(watchId, from, to) as {
          total: number;
          hostile: number;
        }
      );
    },

    byLevel(watchId: string, from: number, to: number): Record<string, number> {
      const rows = client
        .prepare(
          `select coalesce(level, 'none') as level, count(*) as n from posts where ${range} group by 1`,
        )
        .all(watchId, from, to) as {
        level: string;
        n: number;
      }[];
      return Object.fromEntries(rows.map((r) => [r.level, r.n]));
    },

    byCategory(watchId: string, from: number, to: number): { category: string; count: number }[] {
      return client
        .prepare(
          // The scorer's categories and, for posts a person marked hostile, the category they chose.
          `select category, count(*) as count from (
             select p.id, j.value as category from posts p, json_each(coalesce(p.categories, '[]')) j
             where p.watch_id = ? and p.first_seen_at >= ? and p.first_seen_at < ?
             union
             select p.id, l.category from posts p join post_labels l on l.post_id = p.id
             where p.watch_id = ? and p.first_seen_at >= ? and p.first_seen_at < ?
           ) group by category order by count desc, category`,
        )
        .all(watchId, from, to, watchId, from, to) as { category: string; count: number }[];
    },

    topItems(watchId: string, from: number, to: number, limit: number): TopItem[] {
      const rows = client
        .prepare(
          `select id, text, matches, level, score, categories, platform, author_handle, author_name, first_seen_at from posts
           where ${range} and hostile = 1 order by score desc, id limit ?`,
        )
        .all(watchId, from, to, limit) as Record<string, unknown>[];
      return rows.map(toItem);
    },

    /** Authors whose second hostile post (in this watch) arrived during the period. */
    newRepeatAuthors(watchId: string, from: number, to: number, limit = 10): RepeatAuthor[] {
      return client
        .prepare(
          `select p.platform as platform, a.handle as handle, a.name as name, count(*) as count
           from posts p join authors a on a.id = p.author_id
           where p.watch_id = ? and p.hostile = 1 and p.first_seen_at < ?
           group by p.author_id having count(*) >= 2 and sum(p.first_seen_at < ?) < 2
           order by count desc limit ?`,
        )
        .all(watchId, to, from, limit) as RepeatAuthor[];
    },

    /**
     * Evidence status of the period's hostile posts, from the evidence module's `archives` table;
     * null ("unknown") when that table does not exist in this database.
     */
    evidence(
      watchId: string,
      from: number,
      to: number,
      archiveLevels: readonly string[] = [],
    ): EvidenceCounts | null {
      const cols = client.prepare(`select name from pragma_table_info('archives')`).all() as {
        name: string;
      }[];
      const names = new Set(cols.map((c) => c.name));
      if (!names.has('post_id') || !names.has('status')) return null;
      const rows = client
        .prepare(
          `select a.status as status, count(*) as n from archives a join posts p on p.id = a.post_id
           where p.watch_id = ? and p.first_seen_at >= ? and p.first_seen_at < ? group by a.status`,
        )
        .all(watchId, from, to) as { status: string; n: number }[];
      const out: EvidenceCounts = { archived: 0, pending: 0, failed: 0 };
      // Posts due for archiving (at the watch's threshold) that the archiver has not picked up yet.
      if (archiveLevels.length > 0) {
        const waiting = client
          .prepare(
            `select count(*) as n from posts p where p.watch_id = ? and p.first_seen_at >= ? and p.first_seen_at < ? and p.hostile = 1
             and p.level in (${archiveLevels.map(() => '?').join(', ')}) and not exists (select 1 from archives a where a.post_id = p.id)`,
          )
          .get(watchId, from, to, ...archiveLevels) as { n: number };
        out.pending += waiting.n;
      }
      for (const r of rows) {
        if (ARCHIVED.includes(r.status)) out.archived += r.n;
        else if (FAILED.includes(r.status)) out.failed += r.n;
        else out.pending += r.n;
      }
      return out;
    },

    /**
     * Posts that call for an immediate alert (threat, incitement to suicide, doxxing, or severe)
     * seen since `since` and not yet alerted to this recipient, oldest first.
     */
    alertWorthy(watchId: string, recipientId: number, since: number, limit = 200): TopItem[] {
      const rows = client
        .prepare(
          `select id, text, matches, level, score, categories, platform, author_handle, author_name, first_seen_at from posts p
           where p.watch_id = ? and p.first_seen_at >= ?
             and (p.level = 'severe' or exists (select 1 from json_each(coalesce(p.categories, '[]')) j where j.value in (${ALERT_CATEGORIES.map(() => '?').join(', ')})))
             and not exists (select 1 from alerted_posts a where a.recipient_id = ? and a.post_id = p.id)
           order by p.id limit ?`,
        )
        .all(watchId, since, ...ALERT_CATEGORIES, recipientId, limit) as Record<string, unknown>[];
      return rows.map(toItem);
    },

    /** Immediate alerts sent to this watch's recipients during the period (an action taken). */
    alertsSent(watchId: string, from: number, to: number): number {
      const row = client
        .prepare(
          `select count(*) as n from messages where watch_id = ? and kind in ('alert', 'alerts_grouped', 'wave_start') and created_at >= ? and created_at < ?`,
        )
        .get(watchId, from, to) as { n: number };
      return row.n;
    },
  };
}

function toItem(r: Record<string, unknown>): TopItem {
  return {
    id: r.id as number,
    text: r.text as string,
    matches: JSON.parse((r.matches as string | null) ?? '[]') as Match[],
    level: r.level as string | null,
    score: r.score as number | null,
    categories: JSON.parse((r.categories as string | null) ?? '[]') as string[],
    platform: r.platform as string,
    authorHandle: r.author_handle as string | null,
    authorName: r.author_name as string | null,
    seenAt: r.first_seen_at as number,
  };
}

export type DigestRepo = ReturnType<typeof createDigestRepo>;
