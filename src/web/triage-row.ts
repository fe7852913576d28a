import { sql, type SQL } from 'drizzle-orm';
import type { Dialect } from '../db/store.ts';

// A triage list row: the columns the list reads, their mapping to TriageRow, the filter and its
// keyset cursor.

/** `harmless`: a proxy read the post and lets the owner read it too (render/text-shield.ts). */
export const REVIEW_STATUSES = ['reviewed', 'reported', 'ignored', 'harmless'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const STATUS_FILTERS = ['new', ...REVIEW_STATUSES] as const;

export interface TriageFilter {
  watchId: string;
  level?: string;
  category?: string;
  sourceId?: number;
  author?: string;
  status?: (typeof STATUS_FILTERS)[number];
  from?: number;
  to?: number;
  q?: string;
  /** Only posts counted as hostile: the scorer's verdict or a person's label. */
  hostile?: boolean;
  /** Web pages of one site (host), as the authors page groups them. */
  site?: string;
  sort: 'newest' | 'worst';
  /** Opaque keyset position from the previous page. */
  cursor?: string;
  limit: number;
}

export interface TriageRow {
  id: number;
  watchId: string;
  sourceId: number;
  platform: string;
  url: string | null;
  authorId: number | null;
  authorHandle: string | null;
  authorName: string | null;
  text: string;
  firstSeenAt: number;
  createdAt: number | null;
  score: number | null;
  level: string | null;
  hostile: boolean;
  categories: string[];
  matches: unknown[];
  status: string | null;
  /** The category a person gave when marking the post hostile by hand. */
  label: string | null;
  /** Archived already, or flagged for archiving: not offered for archiving again. */
  archived: boolean;
}

/**
 * A post counts as hostile when the scorer said so or a person marked it hostile. `true` is bound
 * as a parameter: SQLite then uses the partial index `where hostile = 1` (a literal TRUE would not).
 */
export const HOSTILE_SQL = sql`(p.hostile = ${true} or exists (select 1 from post_labels l where l.post_id = p.id))`;

/** A web page with no author named: the authors page groups such pages by site. */
export const SITE_ROW_SQL = sql.raw(
  `(p.platform = 'web' and p.author_handle is null and p.author_name is null)`,
);

/** The site of a web page (its host, lower case). `instr` is SQLite's, `strpos` PostgreSQL's. */
export function siteSql(dialect: Dialect): SQL {
  const pos = dialect === 'sqlite' ? 'instr' : 'strpos';
  return sql.raw(`lower(case when ${pos}(substr(p.url, ${pos}(p.url, '://') + 3), '/') > 0
  then substr(substr(p.url, ${pos}(p.url, '://') + 3), 1, ${pos}(substr(p.url, ${pos}(p.url, '://') + 3), '/') - 1)
  else substr(p.url, ${pos}(p.url, '://') + 3) end)`);
}

/** A level's rank (none 0 … severe 4), as SQL. */
export const LEVEL_RANK_SQL = sql.raw(
  `(case p.level when 'severe' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end)`,
);

export const COLUMNS =
  sql.raw(`p.id, p.watch_id, p.source_id, p.platform, p.url, p.author_id, p.author_handle, p.author_name, p.text,
  p.first_seen_at, p.created_at, p.score, p.level, p.hostile, p.categories, p.matches,
  (select r.status from post_reviews r where r.post_id = p.id) as status,
  (select l.category from post_labels l where l.post_id = p.id) as label,
  (exists (select 1 from archives a where a.post_id = p.id)
    or exists (select 1 from post_reviews r where r.post_id = p.id and r.archive_flagged_at is not null)) as archived`);

/** A row read with COLUMNS as a TriageRow (booleans read 0/1 on SQLite, true/false on PostgreSQL). */
export function toRow(r: Record<string, unknown>): TriageRow {
  const json = (v: unknown, fallback: unknown[]) =>
    typeof v === 'string' ? (JSON.parse(v) as unknown[]) : fallback;
  return {
    id: r.id as number,
    watchId: r.watch_id as string,
    sourceId: r.source_id as number,
    platform: r.platform as string,
    url: (r.url as string | null) ?? null,
    authorId: (r.author_id as number | null) ?? null,
    authorHandle: (r.author_handle as string | null) ?? null,
    authorName: (r.author_name as string | null) ?? null,
    text: r.text as string,
    firstSeenAt: Number(r.first_seen_at),
    createdAt: r.created_at == null ? null : Number(r.created_at),
    score: (r.score as number | null) ?? null,
    level: (r.level as string | null) ?? null,
    hostile: Boolean(r.hostile),
    categories: json(r.categories, []) as string[],
    matches: json(r.matches, []),
    status: (r.status as string | null) ?? null,
    label: (r.label as string | null) ?? null,
    archived: Boolean(r.archived),
  };
}

export function parseCursor(
  sort: TriageFilter['sort'],
  cursor: string | undefined,
): { rank?: number; id: number } | undefined {
  if (!cursor) return undefined;
  const parts = cursor.split('.').map(Number);
  if (parts.some((n) => !Number.isSafeInteger(n))) return undefined;
  if (sort === 'worst') return parts.length === 2 ? { rank: parts[0], id: parts[1]! } : undefined;
  return parts.length === 1 ? { id: parts[0]! } : undefined;
}
