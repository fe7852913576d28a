// A triage list row: the columns the list reads, their mapping to TriageRow (arrays on the hot
// path, objects elsewhere), the filter and its keyset cursor.

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
}

export const COLUMNS = `p.id, p.watch_id, p.source_id, p.platform, p.url, p.author_id, p.author_handle, p.author_name, p.text,
  p.first_seen_at, p.created_at, p.score, p.level, p.hostile, p.categories, p.matches,
  (select r.status from post_reviews r where r.post_id = p.id) as status`;

/** The same mapping from a raw array row (columns in COLUMNS order): no per-row object from SQLite. */
export function fromArray(a: unknown[]): TriageRow {
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown[]) : []);
  return {
    id: a[0] as number,
    watchId: a[1] as string,
    sourceId: a[2] as number,
    platform: a[3] as string,
    url: (a[4] as string | null) ?? null,
    authorId: (a[5] as number | null) ?? null,
    authorHandle: (a[6] as string | null) ?? null,
    authorName: (a[7] as string | null) ?? null,
    text: a[8] as string,
    firstSeenAt: a[9] as number,
    createdAt: (a[10] as number | null) ?? null,
    score: (a[11] as number | null) ?? null,
    level: (a[12] as string | null) ?? null,
    hostile: a[13] === 1,
    categories: json(a[14]) as string[],
    matches: json(a[15]),
    status: (a[16] as string | null) ?? null,
  };
}

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
    firstSeenAt: r.first_seen_at as number,
    createdAt: (r.created_at as number | null) ?? null,
    score: (r.score as number | null) ?? null,
    level: (r.level as string | null) ?? null,
    hostile: r.hostile === 1,
    categories: json(r.categories, []) as string[],
    matches: json(r.matches, []),
    status: (r.status as string | null) ?? null,
  };
}

export function parseCursor(
  sort: TriageFilter['sort'],
  cursor: string | undefined,
): { score?: number; id: number } | undefined {
  if (!cursor) return undefined;
  const parts = cursor.split('.').map(Number);
  if (parts.some((n) => !Number.isSafeInteger(n))) return undefined;
  if (sort === 'worst') return parts.length === 2 ? { score: parts[0], id: parts[1]! } : undefined;
  return parts.length === 1 ? { id: parts[0]! } : undefined;
}
