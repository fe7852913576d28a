import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import { postSearchCondition } from '../db/repositories/fts-query.ts';
import { LEVELS } from '../scoring/index.ts';
import { labelQueries } from './labels-repo.ts';
import { repeatOffenderQueries } from './repeat-offenders.ts';
import {
  COLUMNS,
  HOSTILE_SQL,
  SITE_ROW_SQL,
  parseCursor,
  siteSql,
  toRow,
  type ReviewStatus,
  type TriageFilter,
  type TriageRow,
} from './triage-row.ts';

// SQL of the dashboard's reading and triage work. Raw statements: the triage list is the hot path,
// and keyset pagination needs exact control of the ORDER BY the indexes provide.

export type { TriageFilter, TriageRow };
export { REVIEW_STATUSES, STATUS_FILTERS, type ReviewStatus } from './triage-row.ts';
/** The scorer's categories, including those set by other modules (doxxing, impersonation). */
export { CATEGORIES } from '../scoring/types.ts';
export const REPORT_CHANNELS = ['platform', 'pharos', 'point_de_contact', 'complaint'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

const levelRank = (level: string | null) =>
  Math.max(0, LEVELS.indexOf((level ?? 'none') as (typeof LEVELS)[number]));

/** A page of at most `limit` rows out of `limit + 1` read, and the cursor of the next page. */
function page(raw: Record<string, unknown>[], limit: number, cursorOf: (last: TriageRow) => string) {
  const rows = raw.slice(0, limit).map(toRow);
  const last = rows[rows.length - 1];
  return { rows, next: raw.length > limit && last ? cursorOf(last) : null };
}

export function createTriageRepo(store: Store) {
  const site = siteSql(store.dialect);
  const and = (parts: SQL[]) => sql.join(parts, sql` and `);
  const list = (values: readonly unknown[]) =>
    sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
  /** Whether the optional table exists (the archives module's table). */
  const hasTable = async (name: string) =>
    (await store.get(
      store.dialect === 'sqlite'
        ? sql`select 1 as one from sqlite_master where type = 'table' and name = ${name}`
        : sql`select 1 as one from information_schema.tables where table_schema = current_schema() and table_name = ${name}`,
    )) !== undefined;
  const count = async (query: SQL) => Number((await store.get<{ n: number }>(query))?.n ?? 0);
  async function setStatusIn(
    s: Store,
    postIds: readonly number[],
    status: ReviewStatus,
    userId: number,
    now: number,
  ): Promise<void> {
    if (postIds.length === 0) return;
    await s.run(
      sql`insert into post_reviews (post_id, watch_id, status, updated_by, updated_at)
          select id, watch_id, ${status}, ${userId}, ${now} from posts where id in (${list(postIds)})
          on conflict (post_id) do update set status = excluded.status, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    );
  }

  return {
    ...labelQueries(store),
    ...repeatOffenderQueries(store),

    /** The first and last day a watch saw posts (YYYY-MM-DD), for file names; null when it has none. */
    async seenDays(watchId: string): Promise<{ first: string; last: string } | null> {
      const r = await store.get<{ a: number | null; b: number | null }>(
        sql`select min(first_seen_at) as a, max(first_seen_at) as b from posts where watch_id = ${watchId}`,
      );
      if (!r || r.a === null || r.b === null) return null;
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      return { first: day(Number(r.a)), last: day(Number(r.b)) };
    },

    /** One page of the triage list and the cursor of the next one (keyset: no OFFSET, fast at any depth). */
    async list(f: TriageFilter): Promise<{ rows: TriageRow[]; next: string | null }> {
      const where: SQL[] = [sql`p.watch_id = ${f.watchId}`];
      if (f.q && f.q.trim()) where.push(postSearchCondition(store, sql`p.id`, f.q));
      // "At least": `high` shows `severe` too.
      const atLeast = f.level
        ? LEVELS.slice(Math.max(0, LEVELS.indexOf(f.level as (typeof LEVELS)[number])))
        : undefined;
      if (atLeast && f.sort !== 'worst') {
        where.push(atLeast.length === 1 ? sql`p.level = ${atLeast[0]}` : sql`p.level in (${list(atLeast)})`);
      }
      if (f.hostile) where.push(HOSTILE_SQL);
      if (f.site) {
        // The same rows the authors page counts for a site.
        where.push(sql`${SITE_ROW_SQL} and p.url like '%://%' and ${site} = ${f.site.toLowerCase()}`);
      }
      if (f.category) {
        where.push(
          store.dialect === 'sqlite'
            ? sql`exists (select 1 from json_each(p.categories) c where c.value = ${f.category})`
            : sql`exists (select 1 from jsonb_array_elements_text(p.categories::jsonb) c(value) where c.value = ${f.category})`,
        );
      }
      if (f.sourceId !== undefined) where.push(sql`p.source_id = ${f.sourceId}`);
      if (f.author) {
        const a = f.author.replace(/^@/, '');
        // lower() folds what SQLite's NOCASE folds (ASCII) there, and more on PostgreSQL.
        where.push(sql`(lower(p.author_handle) = lower(${a}) or p.author_name = ${f.author})`);
      }
      if (f.status === 'new')
        where.push(sql`not exists (select 1 from post_reviews r where r.post_id = p.id)`);
      else if (f.status)
        where.push(
          sql`exists (select 1 from post_reviews r where r.post_id = p.id and r.status = ${f.status})`,
        );
      if (f.from !== undefined) where.push(sql`p.first_seen_at >= ${f.from}`);
      if (f.to !== undefined) where.push(sql`p.first_seen_at < ${f.to}`);
      const cur = parseCursor(f.sort, f.cursor);
      if (f.sort === 'worst') {
        // Worst level first, newest first within a level: one indexed walk per level (the
        // (watch_id, level) index is in id order), from the cursor's level down, until the page
        // is full. Posts not scored yet have no level and are left out, as before.
        const raw: Record<string, unknown>[] = [];
        for (const level of [...(atLeast ?? LEVELS)].reverse()) {
          const rank = levelRank(level);
          if (cur?.rank !== undefined && rank > cur.rank) continue;
          const w = [...where, sql`p.level = ${level}`];
          if (cur?.rank === rank) w.push(sql`p.id < ${cur.id}`);
          raw.push(
            ...(await store.all(
              sql`select ${COLUMNS} from posts p where ${and(w)} order by p.id desc limit ${f.limit + 1 - raw.length}`,
            )),
          );
          if (raw.length > f.limit) break;
        }
        return page(raw, f.limit, (last) => `${levelRank(last.level)}.${last.id}`);
      }
      if (cur) where.push(sql`p.id < ${cur.id}`);
      const raw = await store.all(
        sql`select ${COLUMNS} from posts p where ${and(where)} order by p.id desc limit ${f.limit + 1}`,
      );
      return page(raw, f.limit, (last) => `${last.id}`);
    },

    /** The watch's sources for the filter menu (this runs on every triage page). */
    sourcesOf(watchId: string): Promise<{ id: number; kind: string; target: string }[]> {
      return store.all<{ id: number; kind: string; target: string }>(
        sql`select id, kind, target from sources where watch_id = ${watchId} order by kind, id`,
      );
    },

    async post(id: number): Promise<
      | (TriageRow & {
          raw: string;
          rawSha256: string;
          lang: string | null;
          sourceKind: string;
          sourceTarget: string;
        })
      | undefined
    > {
      const r = await store.get(
        sql`select ${COLUMNS}, p.raw, p.raw_sha256, p.lang, s.kind as source_kind, s.target as source_target
            from posts p join sources s on s.id = p.source_id where p.id = ${id}`,
      );
      if (!r) return undefined;
      return {
        ...toRow(r),
        raw: r.raw as string,
        rawSha256: r.raw_sha256 as string,
        lang: (r.lang as string | null) ?? null,
        sourceKind: r.source_kind as string,
        sourceTarget: r.source_target as string,
      };
    },

    async watchOfPosts(ids: readonly number[]): Promise<Map<number, string>> {
      const out = new Map<number, string>();
      if (ids.length === 0) return out;
      const rows = await store.all<{ id: number; watch_id: string }>(
        sql`select id, watch_id from posts where id in (${list(ids)})`,
      );
      for (const r of rows) out.set(r.id, r.watch_id);
      return out;
    },

    /** The first posts an account wrote about the watch (a look-alike's page shows them). */
    async postsOfAccount(
      watchId: string,
      account: { platform: string; accountId: string; handle: string | null },
      limit: number,
    ): Promise<TriageRow[]> {
      // Look-alike candidates name the account by its platform id, or by its handle when the
      // platform gave none (identity-repo.ts authorsOfPosts).
      const rows = await store.all(
        sql`select ${COLUMNS} from posts p left join authors a on a.id = p.author_id
            where p.watch_id = ${watchId} and p.platform = ${account.platform}
              and (a.external_id = ${account.accountId} or (a.external_id is null and p.author_handle = ${account.handle ?? account.accountId}))
            order by p.id limit ${limit}`,
      );
      return rows.map(toRow);
    },

    setStatus(
      postIds: readonly number[],
      status: ReviewStatus,
      userId: number,
      now = Date.now(),
    ): Promise<void> {
      return setStatusIn(store, postIds, status, userId, now);
    },

    async flagArchive(postIds: readonly number[], userId: number, now = Date.now()): Promise<void> {
      if (postIds.length === 0) return;
      await store.run(
        sql`insert into post_reviews (post_id, watch_id, status, archive_flagged_at, updated_by, updated_at)
            select id, watch_id, 'reviewed', ${now}, ${userId}, ${now} from posts where id in (${list(postIds)})
            on conflict (post_id) do update set archive_flagged_at = excluded.archive_flagged_at, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      );
    },

    async addReport(
      postIds: readonly number[],
      report: { channel: ReportChannel; reportedAt: number; reference: string | null },
      userId: number,
      now = Date.now(),
    ): Promise<void> {
      if (postIds.length === 0) return;
      await store.transaction(async (tx) => {
        await tx.run(
          sql`insert into post_reports (post_id, channel, reported_at, reference, user_id, created_at) values ${sql.join(
            postIds.map(
              (id) =>
                sql`(${id}, ${report.channel}, ${report.reportedAt}, ${report.reference}, ${userId}, ${now})`,
            ),
            sql`, `,
          )}`,
        );
        await setStatusIn(tx, postIds, 'reported', userId, now);
      });
    },

    async reports(
      postId: number,
    ): Promise<{ channel: string; reportedAt: number; reference: string | null; by: string | null }[]> {
      const rows = await store.all<{
        channel: string;
        reported_at: number;
        reference: string | null;
        email: string | null;
      }>(
        sql`select r.channel, r.reported_at, r.reference, u.email from post_reports r left join users u on u.id = r.user_id
            where r.post_id = ${postId} order by r.reported_at`,
      );
      return rows.map((r) => ({
        channel: r.channel,
        reportedAt: Number(r.reported_at),
        reference: r.reference,
        by: r.email,
      }));
    },

    async review(postId: number): Promise<{ status: string; archiveFlaggedAt: number | null } | undefined> {
      const r = await store.get<{ status: string; archive_flagged_at: number | null }>(
        sql`select status, archive_flagged_at from post_reviews where post_id = ${postId}`,
      );
      return r
        ? {
            status: r.status,
            archiveFlaggedAt: r.archive_flagged_at === null ? null : Number(r.archive_flagged_at),
          }
        : undefined;
    },

    async archive(postId: number): Promise<
      | {
          status: string;
          captureUrl: string | null;
          captureTimestamp: string | null;
          lastError: string | null;
        }
      | undefined
    > {
      if (!(await hasTable('archives'))) return undefined;
      const r = await store.get<{
        status: string;
        capture_url: string | null;
        capture_timestamp: string | null;
        last_error: string | null;
      }>(
        sql`select status, capture_url, capture_timestamp, last_error from archives where post_id = ${postId}`,
      );
      return r
        ? {
            status: r.status,
            captureUrl: r.capture_url,
            captureTimestamp: r.capture_timestamp,
            lastError: r.last_error,
          }
        : undefined;
    },

    async archiveCounts(watchId: string): Promise<Record<string, number>> {
      if (!(await hasTable('archives'))) return {};
      const rows = await store.all<{ status: string; n: number }>(
        sql`select status, count(*) as n from archives where watch_id = ${watchId} group by status`,
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    /** Hostile posts per UTC day over the last `days` days, oldest first, zero-filled. */
    async hostilePerDay(
      watchId: string,
      days: number,
      now = Date.now(),
    ): Promise<{ day: string; count: number }[]> {
      const dayMs = 86_400_000;
      const start = Math.floor(now / dayMs) * dayMs - (days - 1) * dayMs;
      // Integer division in both dialects (bigint / integer on PostgreSQL).
      const rows = await store.all<{ d: number; n: number }>(
        sql`select first_seen_at / ${sql.raw(String(dayMs))} as d, count(*) as n from posts
            where watch_id = ${watchId} and first_seen_at >= ${start} and hostile = ${true} group by first_seen_at / ${sql.raw(String(dayMs))}`,
      );
      const byDay = new Map(rows.map((r) => [Number(r.d), Number(r.n)]));
      const out: { day: string; count: number }[] = [];
      for (let i = 0; i < days; i++) {
        const t = start + i * dayMs;
        out.push({
          day: new Date(t).toISOString().slice(0, 10),
          count: byDay.get(Math.floor(t / dayMs)) ?? 0,
        });
      }
      return out;
    },

    needsReview(watchId: string): Promise<number> {
      return count(
        sql`select count(*) as n from posts p where p.watch_id = ${watchId} and ${HOSTILE_SQL}
            and not exists (select 1 from post_reviews r where r.post_id = p.id)`,
      );
    },

    async counts(watchId: string): Promise<{ total: number; hostile: number }> {
      // Two index-only counts (posts_web_watch_id, and the partial posts_web_hostile_seen).
      const total = await count(sql`select count(*) as n from posts where watch_id = ${watchId}`);
      const hostile = await count(
        sql`select count(*) as n from posts where watch_id = ${watchId} and hostile = ${true}`,
      );
      // Posts a person marked hostile that the scorer did not.
      const marked = await count(
        sql`select count(*) as n from post_labels l join posts p on p.id = l.post_id
            where l.watch_id = ${watchId} and p.hostile = ${false}`,
      );
      return { total, hostile: hostile + marked };
    },
  };
}

export type TriageRepo = ReturnType<typeof createTriageRepo>;
