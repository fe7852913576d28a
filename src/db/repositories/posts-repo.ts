import { retryOnDeadlock } from '../deadlock-retry.ts';
import { and, asc, desc, eq, getTableColumns, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../store.ts';
import type { posts, sources } from '../schema/index.ts';
import { postSearchCondition } from './fts-query.ts';
import { postStoredEvents, type Ledger, type LedgerEvent, type StoredPostFacts } from '../ledger/ledger.ts';
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

/** Rows per multi-row insert: SQLite binds at most 32,766 parameters (21 per post). */
const INSERT_BATCH = 500;
/** Rows read per round trip when mentions are streamed (constant memory on both stores). */
const MENTIONS_PAGE = 500;

type PostInsertRow = Omit<typeof posts.$inferInsert, 'id'>;

/** The custody ledger records `captured` and `scored` for every new post in the storing transaction. */
export function createPostsRepo(store: Store, ledger: Ledger) {
  const { db, t } = store;

  /** Applies a new score (rescoring after a lexicon change). */
  async function updateScore(tx: Store, id: number, score: NonNullable<PostToStore['score']>): Promise<void> {
    await tx.db
      .update(tx.t.posts)
      .set({
        score: score.score,
        level: score.level,
        hostile: score.hostile,
        categories: score.categories,
        matches: score.matches,
        targeted: score.targeted,
        scorerVersion: score.version,
      })
      .where(eq(tx.t.posts.id, id));
  }

  /**
   * The page's authors, one multi-row upsert per batch; handles and display names change
   * (impersonators rename): the latest seen is kept. Returns their ids by platform and external id.
   */
  async function upsertAuthors(tx: Store, page: PageWrite): Promise<Map<string, number>> {
    const wanted = new Map<string, NonNullable<RawPost['author']> & { platform: string }>();
    for (const p of page.posts) {
      if (!p.author) continue;
      const key = authorKey(p.platform, p.author.externalId);
      if (!wanted.has(key)) wanted.set(key, { ...p.author, platform: p.platform });
    }
    const ids = new Map<string, number>();
    // In key order: two pages sharing authors (the same trolls mention several watched people)
    // then lock their rows in the same order. In page order, two workers storing at once on
    // PostgreSQL each waited for a row the other held: a deadlock, at every retry.
    const list = [...wanted].sort(byKey).map(([, a]) => a);
    for (let i = 0; i < list.length; i += INSERT_BATCH) {
      const values = list
        .slice(i, i + INSERT_BATCH)
        .map(
          (a) =>
            sql`(${a.platform}, ${a.externalId}, ${a.handle}, ${a.name}, ${page.seenAt}, ${page.seenAt})`,
        );
      const rows = await tx.all<{ id: number; platform: string; externalId: string }>(
        sql`insert into authors (platform, external_id, handle, name, first_seen_at, last_seen_at)
          values ${sql.join(values, sql`, `)}
          on conflict (platform, external_id) do update set handle = coalesce(excluded.handle, authors.handle),
            name = coalesce(excluded.name, authors.name), last_seen_at = excluded.last_seen_at
          returning id, platform, external_id as "externalId"`,
      );
      for (const r of rows) ids.set(authorKey(r.platform, r.externalId), Number(r.id));
    }
    return ids;
  }

  /**
   * Inserts the rows, one multi-row statement per batch (the ingest hot path); a row whose
   * (watch, platform, external id) is already stored is ignored. Returns the new ids by platform
   * and external id (RETURNING gives no order, so rows are matched by their key).
   */
  async function insertPosts(tx: Store, rows: readonly PostInsertRow[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const values = rows
        .slice(i, i + INSERT_BATCH)
        .map(
          (r) =>
            sql`(${r.watchId}, ${r.sourceId}, ${r.platform}, ${r.externalId}, ${r.url}, ${r.authorId}, ${r.authorHandle}, ${r.authorName}, ${r.text}, ${r.lang}, ${r.createdAt}, ${r.firstSeenAt}, ${r.raw}, ${r.rawSha256}, ${r.score}, ${r.level}, ${r.hostile}, ${JSON.stringify(r.categories)}, ${JSON.stringify(r.matches)}, ${r.targeted}, ${r.scorerVersion})`,
        );
      const inserted = await tx.all<{ id: number; platform: string; externalId: string }>(
        sql`insert into posts (watch_id, source_id, platform, external_id, url, author_id, author_handle, author_name,
            text, lang, created_at, first_seen_at, raw, raw_sha256, score, level, hostile, categories, matches,
            targeted, scorer_version)
          values ${sql.join(values, sql`, `)}
          on conflict do nothing returning id, platform, external_id as "externalId"`,
      );
      for (const r of inserted) ids.set(postKey(r.platform, r.externalId), Number(r.id));
    }
    return ids;
  }

  return {
    /**
     * Stores one page of a poll in one transaction: new posts (duplicates ignored by the unique
     * key), their authors, and — on the last page — the source's cursor, so a crash never leaves
     * a cursor ahead of the posts it covers. Returns the posts that were new, in page order.
     */
    async storePage(input: PageWrite): Promise<StoredPostRef[]> {
      // Lone surrogates would be stored lossily (see text/well-formed.ts): never let one reach the store.
      const page: PageWrite = { ...input, posts: input.posts.map((p) => withoutNul(wellFormedDeep(p))) };
      // Posts go in page order (their ids keep it), so two workers storing the same posts listed
      // in opposite orders can still deadlock on PostgreSQL: the transaction it aborted holds
      // nothing that reached the outside, and is run again.
      return retryOnDeadlock(store, () =>
        store.transaction(async (tx) => {
          const inserted: StoredPostRef[] = [];
          if (page.posts.length > 0) {
            const authorIds = await upsertAuthors(tx, page);
            const newIds = await insertPosts(
              tx,
              page.posts.map((p) => {
                const score = p.score;
                return {
                  watchId: page.watchId,
                  sourceId: page.sourceId,
                  platform: p.platform,
                  externalId: p.externalId,
                  url: p.url,
                  authorId: p.author
                    ? (authorIds.get(authorKey(p.platform, p.author.externalId)) ?? null)
                    : null,
                  authorHandle: p.author?.handle ?? null,
                  authorName: p.author?.name ?? null,
                  text: p.text,
                  lang: p.lang,
                  createdAt: p.createdAt,
                  firstSeenAt: page.seenAt,
                  raw: p.raw,
                  rawSha256: p.rawSha256,
                  score: score?.score ?? null,
                  level: score?.level ?? null,
                  hostile: score?.hostile ?? false,
                  categories: score?.categories ?? [],
                  matches: score?.matches ?? [],
                  targeted: score ? score.targeted : null,
                  scorerVersion: score?.version ?? null,
                };
              }),
            );
            const facts: StoredPostFacts[] = [];
            for (const p of page.posts) {
              const key = postKey(p.platform, p.externalId);
              const id = newIds.get(key);
              if (id === undefined) continue; // already stored: the unique key ignored it
              // The same post twice in one page was stored once, by its first occurrence.
              newIds.delete(key);
              const score = p.score;
              const categories = score?.categories ?? [];
              inserted.push({
                id,
                hostile: score?.hostile ?? false,
                level: score?.level ?? null,
                categories,
              });
              facts.push({
                id,
                platform: p.platform,
                externalId: p.externalId,
                url: p.url,
                rawSha256: p.rawSha256,
                text: p.text,
                score: score?.score ?? null,
                level: score?.level ?? null,
                categories,
                targeted: score ? score.targeted : null,
                scorerVersion: score?.version ?? null,
              });
            }
            await ledger.appendInTx(tx, postStoredEvents(page.watchId, page.seenAt, facts));
          }
          if (page.cursor) {
            const set: Partial<typeof sources.$inferInsert> = {};
            if (page.cursor.value !== undefined) set.cursor = page.cursor.value;
            if (page.cursor.state !== undefined) set.state = page.cursor.state;
            if (Object.keys(set).length > 0)
              await tx.db.update(tx.t.sources).set(set).where(eq(tx.t.sources.id, page.sourceId));
          }
          return inserted;
        }),
      );
    },

    async get(id: number): Promise<PostRow | undefined> {
      return (await db.select().from(t.posts).where(eq(t.posts.id, id)).limit(1))[0];
    },

    async getMany(ids: readonly number[]): Promise<PostRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(t.posts)
        .where(inArray(t.posts.id, [...ids]));
    },

    async latest(watchId: string, limit: number): Promise<PostRow[]> {
      return db
        .select()
        .from(t.posts)
        .where(eq(t.posts.watchId, watchId))
        .orderBy(desc(t.posts.firstSeenAt), desc(t.posts.id))
        .limit(limit);
    },

    async count(watchId?: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.as('n') })
        .from(t.posts)
        .where(watchId ? eq(t.posts.watchId, watchId) : undefined);
      return Number(row?.n ?? 0);
    },

    /**
     * Streams matching posts in storage order, a page at a time (keyset on the id), so memory
     * stays constant on both stores.
     */
    async *iterateMentions(filter: MentionFilter): AsyncGenerator<PostRow & { sourceKind: string }> {
      const conditions: SQL[] = [];
      if (filter.watchId) conditions.push(eq(t.posts.watchId, filter.watchId));
      if (filter.since !== undefined)
        conditions.push(sql`coalesce(${t.posts.createdAt}, ${t.posts.firstSeenAt}) >= ${filter.since}`);
      if (filter.search) conditions.push(postSearchCondition(store, t.posts.id, filter.search));
      let left = filter.limit ? Math.floor(filter.limit) : Number.POSITIVE_INFINITY;
      let after = 0;
      while (left > 0) {
        const rows = await db
          .select({ ...getTableColumns(t.posts), sourceKind: t.sources.kind })
          .from(t.posts)
          .innerJoin(t.sources, eq(t.sources.id, t.posts.sourceId))
          .where(and(gt(t.posts.id, after), ...conditions))
          .orderBy(asc(t.posts.id))
          .limit(Math.min(MENTIONS_PAGE, left));
        yield* rows;
        if (rows.length < Math.min(MENTIONS_PAGE, left)) return;
        left -= rows.length;
        after = rows[rows.length - 1]!.id;
      }
    },

    /** A new score and its custody-ledger event, landing together in one transaction. */
    async updateScoreRecorded(
      id: number,
      score: NonNullable<PostToStore['score']>,
      event: LedgerEvent,
    ): Promise<void> {
      await store.transaction(async (tx) => {
        await updateScore(tx, id, score);
        await ledger.appendInTx(tx, [event]);
      });
    },

    /** Ids of a watch's posts scored by another scorer version than `version`. */
    async idsNeedingRescore(
      watchId: string,
      version: string,
      afterId: number,
      limit: number,
    ): Promise<number[]> {
      const rows = await db
        .select({ id: t.posts.id })
        .from(t.posts)
        .where(
          and(
            eq(t.posts.watchId, watchId),
            gt(t.posts.id, afterId),
            sql`coalesce(${t.posts.scorerVersion}, '') <> ${version}`,
          ),
        )
        .orderBy(asc(t.posts.id))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    /** The captured payloads of these posts (the API's own answer, as stored). */
    async rawPayloads(postIds: readonly number[]): Promise<Map<number, string>> {
      const out = new Map<number, string>();
      for (let i = 0; i < postIds.length; i += 500) {
        const batch = postIds.slice(i, i + 500);
        const rows = await db
          .select({ id: t.posts.id, raw: t.posts.raw })
          .from(t.posts)
          .where(inArray(t.posts.id, batch));
        for (const r of rows) out.set(r.id, r.raw);
      }
      return out;
    },
  };
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): one post carrying it would make the whole page
 * fail there, again at every poll. What the adapter extracted (text, names, ids, address) loses it
 * on both stores alike — each becomes U+FFFD, before the ledger hashes the text — so a post reads
 * back the same whichever store holds it. The payload is kept as received: its hash is evidence
 * (a JSON payload escapes the character anyway, and XML cannot carry it).
 */
function withoutNul(p: PostToStore): PostToStore {
  const clean = (v: string) => (v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v);
  const cleanOrNull = (v: string | null) => (v === null ? null : clean(v));
  return {
    ...p,
    externalId: clean(p.externalId),
    url: cleanOrNull(p.url),
    text: clean(p.text),
    lang: cleanOrNull(p.lang),
    author: p.author && {
      externalId: clean(p.author.externalId),
      handle: cleanOrNull(p.author.handle),
      name: cleanOrNull(p.author.name),
    },
  };
}

const authorKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;
const postKey = authorKey;
const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

export type PostsRepo = ReturnType<typeof createPostsRepo>;
