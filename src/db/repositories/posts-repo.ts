import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { posts, sources } from '../schema/index.ts';
import { ftsQuery } from './fts-query.ts';
import { postStoredEvents, type Ledger, type LedgerEvent } from '../ledger/ledger.ts';
import { wellFormedDeep } from '../../text/well-formed.ts';

export type PostRow = typeof posts.$inferSelect;

/** A post as an adapter read it, before it is stored (the sources' contract, sources/source.ts). */
export interface RawPost {
  /** Where the post lives: `x`, `web` (feeds), `bluesky`… The same post seen twice has one (platform, externalId). */
  platform: string;
  externalId: string;
  url: string | null;
  author: { externalId: string; handle: string | null; name: string | null } | null;
  /** Plain text (HTML already turned into text). */
  text: string;
  lang: string | null;
  /** Publication time, epoch ms, when the source gives one. */
  createdAt: number | null;
  /** This post's payload exactly as the API answered it (JSON or XML text): kept as evidence. */
  raw: string;
}

/** A post ready to store: what the adapter read plus its fingerprint and score. */
export interface PostToStore extends RawPost {
  rawSha256: string;
  score: {
    score: number;
    level: string;
    hostile: boolean;
    categories: string[];
    matches: unknown[];
    targeted: boolean;
    version: string;
  } | null;
}

export interface PageWrite {
  watchId: string;
  sourceId: number;
  seenAt: number;
  posts: readonly PostToStore[];
  /** Set only with the last page of a complete poll: stored in the same transaction as the posts. */
  cursor?: { value: string | null | undefined; state: Record<string, unknown> | undefined };
}

export interface StoredPostRef {
  id: number;
  hostile: boolean;
  level: string | null;
  categories: string[];
}

export interface MentionFilter {
  watchId?: string;
  /** Epoch ms: posts published (or, without a date, first seen) at or after this. */
  since?: number;
  search?: string;
  limit?: number;
}

/** The custody ledger records `captured` and `scored` for every new post in the storing transaction. */
export function createPostsRepo(db: Db, ledger: Ledger) {
  const client = db.$client;

  /** Applies a new score (rescoring after a lexicon change). */
  function updateScore(id: number, score: NonNullable<PostToStore['score']>): void {
    db.update(posts)
      .set({
        score: score.score,
        level: score.level,
        hostile: score.hostile,
        categories: score.categories,
        matches: score.matches,
        targeted: score.targeted,
        scorerVersion: score.version,
      })
      .where(eq(posts.id, id))
      .run();
  }

  const insertPost = client.prepare(
    `insert into posts (watch_id, source_id, platform, external_id, url, author_id, author_handle, author_name, text, lang,
       created_at, first_seen_at, raw, raw_sha256, score, level, hostile, categories, matches, targeted, scorer_version)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict do nothing returning id`,
  );
  // Handles and display names change (impersonators rename): keep the latest seen.
  const upsertAuthor = client.prepare(
    `insert into authors (platform, external_id, handle, name, first_seen_at, last_seen_at) values (?, ?, ?, ?, ?, ?)
     on conflict (platform, external_id) do update set handle = coalesce(excluded.handle, authors.handle),
       name = coalesce(excluded.name, authors.name), last_seen_at = excluded.last_seen_at
     returning id`,
  );

  function upsertAuthors(page: PageWrite): Map<string, number> {
    const ids = new Map<string, number>();
    for (const p of page.posts) {
      if (!p.author) continue;
      const key = `${p.platform}\u0000${p.author.externalId}`;
      if (ids.has(key)) continue;
      const row = upsertAuthor.get(
        p.platform,
        p.author.externalId,
        p.author.handle,
        p.author.name,
        page.seenAt,
        page.seenAt,
      ) as { id: number };
      ids.set(key, row.id);
    }
    return ids;
  }

  return {
    /**
     * Stores one page of a poll in one transaction: new posts (duplicates ignored by the unique
     * key), their authors, and — on the last page — the source's cursor, so a crash never leaves
     * a cursor ahead of the posts it covers. Returns the posts that were new.
     */
    storePage(input: PageWrite): StoredPostRef[] {
      // Lone surrogates would be stored lossily (see text/well-formed.ts): never let one reach SQLite.
      const page: PageWrite = { ...input, posts: input.posts.map((p) => wellFormedDeep(p)) };
      return db.transaction((tx) => {
        const inserted: StoredPostRef[] = [];
        if (page.posts.length > 0) {
          const authorIds = upsertAuthors(page);
          const facts = [];
          for (const p of page.posts) {
            const score = p.score;
            const categories = score?.categories ?? [];
            // Prepared statements, not the query builder: this is the ingest hot path.
            const row = insertPost.get(
              page.watchId,
              page.sourceId,
              p.platform,
              p.externalId,
              p.url,
              p.author ? (authorIds.get(`${p.platform}\u0000${p.author.externalId}`) ?? null) : null,
              p.author?.handle ?? null,
              p.author?.name ?? null,
              p.text,
              p.lang,
              p.createdAt,
              page.seenAt,
              p.raw,
              p.rawSha256,
              score?.score ?? null,
              score?.level ?? null,
              score?.hostile ? 1 : 0,
              JSON.stringify(categories),
              JSON.stringify(score?.matches ?? []),
              score ? (score.targeted ? 1 : 0) : null,
              score?.version ?? null,
            ) as { id: number } | undefined;
            if (!row) continue; // already stored: the unique key ignored it
            inserted.push({
              id: row.id,
              hostile: score?.hostile ?? false,
              level: score?.level ?? null,
              categories,
            });
            facts.push({
              id: row.id,
              hostile: score?.hostile ?? false,
              level: score?.level ?? null,
              categories,
              platform: p.platform,
              externalId: p.externalId,
              url: p.url,
              rawSha256: p.rawSha256,
              text: p.text,
              score: score?.score ?? null,
              targeted: score ? score.targeted : null,
              scorerVersion: score?.version ?? null,
            });
          }
          ledger.appendInTx(tx, postStoredEvents(page.watchId, page.seenAt, facts));
        }
        if (page.cursor) {
          const set: Partial<typeof sources.$inferInsert> = {};
          if (page.cursor.value !== undefined) set.cursor = page.cursor.value;
          if (page.cursor.state !== undefined) set.state = page.cursor.state;
          if (Object.keys(set).length > 0)
            tx.update(sources).set(set).where(eq(sources.id, page.sourceId)).run();
        }
        return inserted;
      });
    },

    get(id: number): PostRow | undefined {
      return db.select().from(posts).where(eq(posts.id, id)).get();
    },

    getMany(ids: readonly number[]): PostRow[] {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(posts)
        .where(inArray(posts.id, [...ids]))
        .all();
    },

    latest(watchId: string, limit: number): PostRow[] {
      return db
        .select()
        .from(posts)
        .where(eq(posts.watchId, watchId))
        .orderBy(desc(posts.firstSeenAt), desc(posts.id))
        .limit(limit)
        .all();
    },

    count(watchId?: string): number {
      const row = db
        .select({ n: sql<number>`count(*)` })
        .from(posts)
        .where(watchId ? eq(posts.watchId, watchId) : undefined)
        .get();
      return row?.n ?? 0;
    },

    /** Streams matching posts in storage order, in constant memory. */
    *iterateMentions(filter: MentionFilter): Generator<PostRow & { sourceKind: string }> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.watchId) {
        where.push('p.watch_id = ?');
        params.push(filter.watchId);
      }
      if (filter.since !== undefined) {
        where.push('coalesce(p.created_at, p.first_seen_at) >= ?');
        params.push(filter.since);
      }
      if (filter.search) {
        where.push('p.id in (select rowid from posts_fts where posts_fts match ?)');
        params.push(ftsQuery(filter.search));
      }
      const sqlText = `select p.*, s.kind as source_kind from posts p join sources s on s.id = p.source_id
        ${where.length ? `where ${where.join(' and ')}` : ''} order by p.id ${filter.limit ? `limit ${Math.floor(filter.limit)}` : ''}`;
      for (const row of client.prepare(sqlText).iterate(...params) as Iterable<Record<string, unknown>>) {
        yield { ...fromSql(row), sourceKind: row.source_kind as string };
      }
    },

    /** A new score and its custody-ledger event, landing together in one transaction. */
    updateScoreRecorded(id: number, score: NonNullable<PostToStore['score']>, event: LedgerEvent): void {
      db.transaction(() => {
        updateScore(id, score);
        ledger.append(event);
      });
    },

    /** Ids of a watch's posts scored by another scorer version than `version`. */
    idsNeedingRescore(watchId: string, version: string, afterId: number, limit: number): number[] {
      return db
        .select({ id: posts.id })
        .from(posts)
        .where(
          and(
            eq(posts.watchId, watchId),
            sql`${posts.id} > ${afterId}`,
            sql`coalesce(${posts.scorerVersion}, '') <> ${version}`,
          ),
        )
        .orderBy(posts.id)
        .limit(limit)
        .all()
        .map((r) => r.id);
    },

    /** The captured payloads of these posts (the API's own answer, as stored). */
    rawPayloads(postIds: readonly number[]): Map<number, string> {
      const out = new Map<number, string>();
      for (let i = 0; i < postIds.length; i += 500) {
        const batch = postIds.slice(i, i + 500);
        const rows = client
          .prepare(`select id, raw from posts where id in (${batch.map(() => '?').join(',')})`)
          .all(...batch) as { id: number; raw: string }[];
        for (const r of rows) out.set(r.id, r.raw);
      }
      return out;
    },
  };
}

/** Maps a raw SQL row (snake_case, JSON text) to the drizzle row shape. */
function fromSql(row: Record<string, unknown>): PostRow {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));
  return {
    id: row.id as number,
    watchId: row.watch_id as string,
    sourceId: row.source_id as number,
    platform: row.platform as string,
    externalId: row.external_id as string,
    url: (row.url as string | null) ?? null,
    authorId: (row.author_id as number | null) ?? null,
    authorHandle: (row.author_handle as string | null) ?? null,
    authorName: (row.author_name as string | null) ?? null,
    text: row.text as string,
    lang: (row.lang as string | null) ?? null,
    createdAt: (row.created_at as number | null) ?? null,
    firstSeenAt: row.first_seen_at as number,
    raw: row.raw as string,
    rawSha256: row.raw_sha256 as string,
    score: (row.score as number | null) ?? null,
    level: (row.level as string | null) ?? null,
    hostile: row.hostile === 1,
    categories: json(row.categories),
    matches: json(row.matches),
    targeted: row.targeted === null || row.targeted === undefined ? null : row.targeted === 1,
    scorerVersion: (row.scorer_version as string | null) ?? null,
  };
}

export type PostsRepo = ReturnType<typeof createPostsRepo>;
