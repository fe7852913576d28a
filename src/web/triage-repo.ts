import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { ftsQuery } from '../db/repositories/fts-query.ts';
import { LEVELS } from '../scoring/index.ts';
import { labelQueries } from './labels-repo.ts';
import { repeatOffenderQueries } from './repeat-offenders.ts';
import {
  COLUMNS,
  HOSTILE_SQL,
  SITE_ROW_SQL,
  SITE_SQL,
  fromArray,
  parseCursor,
  toRow,
  type ReviewStatus,
  type TriageFilter,
  type TriageRow,
} from './triage-row.ts';

// SQL of the dashboard's reading and triage work. Raw prepared statements: the triage list is the
// hot path, and keyset pagination needs exact control of the ORDER BY the indexes provide.

export type { TriageFilter, TriageRow };
export { REVIEW_STATUSES, STATUS_FILTERS, type ReviewStatus } from './triage-row.ts';
/** The scorer's categories, including those set by other modules (doxxing, impersonation). */
export { CATEGORIES } from '../scoring/types.ts';
export const REPORT_CHANNELS = ['platform', 'pharos', 'point_de_contact', 'complaint'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

const levelRank = (level: string | null) =>
  Math.max(0, LEVELS.indexOf((level ?? 'none') as (typeof LEVELS)[number]));

/** A page of at most `limit` rows out of `limit + 1` read, and the cursor of the next page. */
function page(raw: unknown[][], limit: number, cursorOf: (last: TriageRow) => string) {
  const rows = raw.slice(0, limit).map(fromArray);
  const last = rows[rows.length - 1];
  return { rows, next: raw.length > limit && last ? cursorOf(last) : null };
}

export function createTriageRepo(db: Db) {
  const client = db.$client;
  // The list builds its SQL from the filters: a handful of shapes, each prepared once.
  const statements = new Map<string, Statement<unknown[]>>();
  const prepare = (sqlText: string) => {
    let stmt = statements.get(sqlText);
    if (!stmt) {
      stmt = client.prepare(sqlText);
      if (statements.size < 500) statements.set(sqlText, stmt);
    }
    return stmt;
  };
  const listStatements = new Map<string, Statement<unknown[]>>();
  const prepareList = (sqlText: string) => {
    let stmt = listStatements.get(sqlText);
    if (!stmt) {
      stmt = client.prepare(sqlText).raw(true);
      if (listStatements.size < 500) listStatements.set(sqlText, stmt);
    }
    return stmt;
  };
  const hasTable = (name: string) =>
    !!prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(name);

  return {
    ...labelQueries(db),
    ...repeatOffenderQueries(db),

    /** The first and last day a watch saw posts (YYYY-MM-DD), for file names; null when it has none. */
    seenDays(watchId: string): { first: string; last: string } | null {
      const r = prepare(
        `select min(first_seen_at) as a, max(first_seen_at) as b from posts where watch_id = ?`,
      ).get(watchId) as { a: number | null; b: number | null };
      if (r.a === null || r.b === null) return null;
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      return { first: day(r.a), last: day(r.b) };
    },

    /** One page of the triage list and the cursor of the next one (keyset: no OFFSET, fast at any depth). */
    list(f: TriageFilter): { rows: TriageRow[]; next: string | null } {
      const where: string[] = ['p.watch_id = ?'];
      const params: unknown[] = [f.watchId];
      let from = 'posts p';
      if (f.q && f.q.trim()) {
        // Drive the search from the FTS index so a frequent word does not mean a full scan.
        from = 'posts_fts f join posts p on p.id = f.rowid';
        where.push('posts_fts match ?');
        params.push(ftsQuery(f.q));
      }
      // "At least": `high` shows `severe` too.
      const atLeast = f.level
        ? LEVELS.slice(Math.max(0, LEVELS.indexOf(f.level as (typeof LEVELS)[number])))
        : undefined;
      if (atLeast && f.sort !== 'worst') {
        where.push(
          atLeast.length === 1 ? 'p.level = ?' : `p.level in (${atLeast.map(() => '?').join(', ')})`,
        );
        params.push(...atLeast);
      }
      if (f.hostile) where.push(`(${HOSTILE_SQL})`);
      if (f.site) {
        // The same rows the authors page counts for a site.
        where.push(`${SITE_ROW_SQL} and p.url like '%://%' and ${SITE_SQL} = ?`);
        params.push(f.site.toLowerCase());
      }
      if (f.category) {
        where.push(`exists (select 1 from json_each(p.categories) c where c.value = ?)`);
        params.push(f.category);
      }
      if (f.sourceId !== undefined) {
        where.push('p.source_id = ?');
        params.push(f.sourceId);
      }
      if (f.author) {
        const a = f.author.replace(/^@/, '');
        where.push('(p.author_handle = ? collate nocase or p.author_name = ?)');
        params.push(a, f.author);
      }
      if (f.status === 'new') where.push('not exists (select 1 from post_reviews r where r.post_id = p.id)');
      else if (f.status) {
        where.push('exists (select 1 from post_reviews r where r.post_id = p.id and r.status = ?)');
        params.push(f.status);
      }
      if (f.from !== undefined) {
        where.push('p.first_seen_at >= ?');
        params.push(f.from);
      }
      if (f.to !== undefined) {
        where.push('p.first_seen_at < ?');
        params.push(f.to);
      }
      const cur = parseCursor(f.sort, f.cursor);
      if (f.sort === 'worst') {
        // Worst level first, newest first within a level: one indexed walk per level (the
        // (watch_id, level) index is in id order), from the cursor's level down, until the page
        // is full. Posts not scored yet have no level and are left out, as before.
        const raw: unknown[][] = [];
        for (const level of [...(atLeast ?? LEVELS)].reverse()) {
          const rank = levelRank(level);
          if (cur?.rank !== undefined && rank > cur.rank) continue;
          const w = [...where, 'p.level = ?'];
          const ps = [...params, level];
          if (cur?.rank === rank) {
            w.push('p.id < ?');
            ps.push(cur.id);
          }
          const sqlText = `select ${COLUMNS} from ${from} where ${w.join(' and ')} order by p.id desc limit ?`;
          raw.push(...(prepareList(sqlText).all(...ps, f.limit + 1 - raw.length) as unknown[][]));
          if (raw.length > f.limit) break;
        }
        return page(raw, f.limit, (last) => `${levelRank(last.level)}.${last.id}`);
      }
      if (cur) {
        where.push(from.startsWith('posts_fts') ? 'f.rowid < ?' : 'p.id < ?');
        params.push(cur.id);
      }
      // With a search, order by the FTS rowid so the match walks its index newest first and
      // stops at the page size instead of sorting every match.
      const order = from.startsWith('posts_fts') ? 'f.rowid desc' : 'p.id desc';
      const sqlText = `select ${COLUMNS} from ${from} where ${where.join(' and ')} order by ${order} limit ?`;
      const raw = prepareList(sqlText).all(...params, f.limit + 1) as unknown[][];
      return page(raw, f.limit, (last) => `${last.id}`);
    },

    /** The watch's sources for the filter menu (raw: this runs on every triage page). */
    sourcesOf(watchId: string): { id: number; kind: string; target: string }[] {
      return prepare(`select id, kind, target from sources where watch_id = ? order by kind, id`).all(
        watchId,
      ) as { id: number; kind: string; target: string }[];
    },

    post(id: number):
      | (TriageRow & {
          raw: string;
          rawSha256: string;
          lang: string | null;
          sourceKind: string;
          sourceTarget: string;
        })
      | undefined {
      const r = client
        .prepare(
          `select ${COLUMNS}, p.raw, p.raw_sha256, p.lang, s.kind as source_kind, s.target as source_target from posts p join sources s on s.id = p.source_id where p.id = ?`,
        )
        .get(id) as Record<string, unknown> | undefined;
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

    watchOfPosts(ids: readonly number[]): Map<number, string> {
      const out = new Map<number, string>();
      if (ids.length === 0) return out;
      const rows = prepare(
        `select id, watch_id from posts where id in (${ids.map(() => '?').join(',')})`,
      ).all(...ids) as { id: number; watch_id: string }[];
      for (const r of rows) out.set(r.id, r.watch_id);
      return out;
    },

    /** The first posts an account wrote about the watch (a look-alike's page shows them). */
    postsOfAccount(
      watchId: string,
      account: { platform: string; accountId: string; handle: string | null },
      limit: number,
    ): TriageRow[] {
      // Look-alike candidates name the account by its platform id, or by its handle when the
      // platform gave none (identity-repo.ts authorsOfPosts).
      return (
        prepareList(
          `select ${COLUMNS} from posts p left join authors a on a.id = p.author_id
           where p.watch_id = ? and p.platform = ?
             and (a.external_id = ? or (a.external_id is null and p.author_handle = ?))
           order by p.id limit ?`,
        ).all(
          watchId,
          account.platform,
          account.accountId,
          account.handle ?? account.accountId,
          limit,
        ) as unknown[][]
      ).map(fromArray);
    },

    setStatus(postIds: readonly number[], status: ReviewStatus, userId: number, now = Date.now()): void {
      const stmt = prepare(
        `insert into post_reviews (post_id, watch_id, status, updated_by, updated_at)
         select id, watch_id, ?, ?, ? from posts where id = ?
         on conflict(post_id) do update set status = excluded.status, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      );
      client.transaction(() => {
        for (const id of postIds) stmt.run(status, userId, now, id);
      })();
    },

    flagArchive(postIds: readonly number[], userId: number, now = Date.now()): void {
      const stmt = prepare(
        `insert into post_reviews (post_id, watch_id, status, archive_flagged_at, updated_by, updated_at)
         select id, watch_id, 'reviewed', ?, ?, ? from posts where id = ?
         on conflict(post_id) do update set archive_flagged_at = excluded.archive_flagged_at, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      );
      client.transaction(() => {
        for (const id of postIds) stmt.run(now, userId, now, id);
      })();
    },

    addReport(
      postIds: readonly number[],
      report: { channel: ReportChannel; reportedAt: number; reference: string | null },
      userId: number,
      now = Date.now(),
    ): void {
      const ins = prepare(
        `insert into post_reports (post_id, channel, reported_at, reference, user_id, created_at) values (?, ?, ?, ?, ?, ?)`,
      );
      client.transaction(() => {
        for (const id of postIds)
          ins.run(id, report.channel, report.reportedAt, report.reference, userId, now);
      })();
      this.setStatus(postIds, 'reported', userId, now);
    },

    reports(
      postId: number,
    ): { channel: string; reportedAt: number; reference: string | null; by: string | null }[] {
      return (
        client
          .prepare(
            `select r.channel, r.reported_at, r.reference, u.email from post_reports r left join users u on u.id = r.user_id where r.post_id = ? order by r.reported_at`,
          )
          .all(postId) as {
          channel: string;
          reported_at: number;
          reference: string | null;
          email: string | null;
        }[]
      ).map((r) => ({ channel: r.channel, reportedAt: r.reported_at, reference: r.reference, by: r.email }));
    },

    review(postId: number): { status: string; archiveFlaggedAt: number | null } | undefined {
      const r = prepare(`select status, archive_flagged_at from post_reviews where post_id = ?`).get(
        postId,
      ) as { status: string; archive_flagged_at: number | null } | undefined;
      return r ? { status: r.status, archiveFlaggedAt: r.archive_flagged_at } : undefined;
    },

    archive(postId: number):
      | {
          status: string;
          captureUrl: string | null;
          captureTimestamp: string | null;
          lastError: string | null;
        }
      | undefined {
      if (!hasTable('archives')) return undefined;
      const r = prepare(
        `select status, capture_url, capture_timestamp, last_error from archives where post_id = ?`,
      ).get(postId) as
        | {
            status: string;
            capture_url: string | null;
            capture_timestamp: string | null;
            last_error: string | null;
          }
        | undefined;
      return r
        ? {
            status: r.status,
            captureUrl: r.capture_url,
            captureTimestamp: r.capture_timestamp,
            lastError: r.last_error,
          }
        : undefined;
    },

    archiveCounts(watchId: string): Record<string, number> {
      if (!hasTable('archives')) return {};
      const rows = prepare(
        `select status, count(*) as n from archives where watch_id = ? group by status`,
      ).all(watchId) as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },

    /** Hostile posts per UTC day over the last `days` days, oldest first, zero-filled. */
    hostilePerDay(watchId: string, days: number, now = Date.now()): { day: string; count: number }[] {
      const dayMs = 86_400_000;
      const start = Math.floor(now / dayMs) * dayMs - (days - 1) * dayMs;
      const rows = client
        .prepare(
          `select first_seen_at / ${dayMs} as d, count(*) as n from posts where watch_id = ? and first_seen_at >= ? and hostile = 1 group by d`,
        )
        .all(watchId, start) as { d: number; n: number }[];
      const byDay = new Map(rows.map((r) => [r.d, r.n]));
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

    needsReview(watchId: string): number {
      const r = prepare(
        `select count(*) as n from posts p where p.watch_id = ? and (${HOSTILE_SQL}) and not exists (select 1 from post_reviews r where r.post_id = p.id)`,
      ).get(watchId) as { n: number };
      return r.n;
    },

    counts(watchId: string): { total: number; hostile: number } {
      // Two index-only counts (posts_web_watch_id, and the partial posts_web_hostile_seen).
      const total = (
        prepare(`select count(*) as n from posts where watch_id = ?`).get(watchId) as { n: number }
      ).n;
      const hostile = (
        prepare(`select count(*) as n from posts where watch_id = ? and hostile = 1`).get(watchId) as {
          n: number;
        }
      ).n;
      // Posts a person marked hostile that the scorer did not.
      const marked = (
        prepare(
          `select count(*) as n from post_labels l join posts p on p.id = l.post_id where l.watch_id = ? and p.hostile = 0`,
        ).get(watchId) as { n: number }
      ).n;
      return { total, hostile: hostile + marked };
    },
  };
}

export type TriageRepo = ReturnType<typeof createTriageRepo>;
