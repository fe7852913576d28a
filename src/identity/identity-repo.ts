// SQL of the identity module: encrypted private information, look-alike candidates, scan times.
import { and, asc, desc, eq, gt, inArray, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { authors, identityScans, lookalikes, posts, watchPrivate } from '../db/schema/index.ts';

export type LookalikeRow = typeof lookalikes.$inferSelect;
export type LookalikeStatus = 'new' | 'confirmed' | 'dismissed';

export interface CandidateWrite {
  watchId: string;
  platform: string;
  accountId: string;
  handle: string | null;
  name: string | null;
  reason: string;
  similarity: number;
  foundBy: 'author' | 'search';
  at: number;
}

export interface AuthorSeen {
  authorId: number | null;
  platform: string;
  accountId: string;
  handle: string | null;
  name: string | null;
}

export function createIdentityRepo(db: Db) {
  return {
    putPrivate(watchId: string, blob: string, keyId: string, at: number): void {
      db.insert(watchPrivate)
        .values({ watchId, blob, keyId, updatedAt: at })
        .onConflictDoUpdate({ target: watchPrivate.watchId, set: { blob, keyId, updatedAt: at } })
        .run();
    },
    getPrivate(watchId: string): { blob: string; keyId: string } | undefined {
      return db
        .select({ blob: watchPrivate.blob, keyId: watchPrivate.keyId })
        .from(watchPrivate)
        .where(eq(watchPrivate.watchId, watchId))
        .get();
    },
    deletePrivate(watchId: string): void {
      db.delete(watchPrivate).where(eq(watchPrivate.watchId, watchId)).run();
    },
    /** Removes the private information of every watch not in `keep` (watches left the configuration). */
    deletePrivateExcept(keep: readonly string[]): void {
      db.delete(watchPrivate)
        .where(keep.length ? notInArray(watchPrivate.watchId, [...keep]) : undefined)
        .run();
    },

    /**
     * Records a candidate; returns it with `created` when it is new. A dismissed candidate stays
     * dismissed; its handle and name are still kept current.
     */
    upsertCandidate(c: CandidateWrite): { row: LookalikeRow; created: boolean } {
      return db.transaction((tx) => {
        const existing = tx
          .select()
          .from(lookalikes)
          .where(
            and(
              eq(lookalikes.watchId, c.watchId),
              eq(lookalikes.platform, c.platform),
              eq(lookalikes.accountId, c.accountId),
            ),
          )
          .get();
        if (!existing) {
          const row = tx
            .insert(lookalikes)
            .values({ ...c, firstSeenAt: c.at, lastSeenAt: c.at, status: 'new' })
            .returning()
            .get();
          return { row, created: true };
        }
        const stronger = c.similarity > existing.similarity;
        const row = tx
          .update(lookalikes)
          .set({
            handle: c.handle ?? existing.handle,
            name: c.name ?? existing.name,
            lastSeenAt: c.at,
            ...(stronger ? { reason: c.reason, similarity: c.similarity } : {}),
          })
          .where(eq(lookalikes.id, existing.id))
          .returning()
          .get();
        return { row, created: false };
      });
    },

    listCandidates(watchId: string, options: { includeDismissed?: boolean } = {}): LookalikeRow[] {
      const where = options.includeDismissed
        ? eq(lookalikes.watchId, watchId)
        : and(eq(lookalikes.watchId, watchId), ne(lookalikes.status, 'dismissed'));
      return db
        .select()
        .from(lookalikes)
        .where(where)
        .orderBy(desc(lookalikes.similarity), asc(lookalikes.id))
        .all();
    },

    getCandidate(id: number): LookalikeRow | undefined {
      return db.select().from(lookalikes).where(eq(lookalikes.id, id)).get();
    },

    setStatus(id: number, status: LookalikeStatus, at: number): void {
      db.update(lookalikes).set({ status, decidedAt: at }).where(eq(lookalikes.id, id)).run();
    },

    /** For the alerts: candidates not yet notified, dismissed ones excluded. */
    unnotified(watchId: string, minSimilarity: number): LookalikeRow[] {
      return db
        .select()
        .from(lookalikes)
        .where(
          and(
            eq(lookalikes.watchId, watchId),
            ne(lookalikes.status, 'dismissed'),
            sql`${lookalikes.notifiedAt} is null`,
            sql`(${lookalikes.similarity} >= ${minSimilarity} or ${lookalikes.status} = 'confirmed')`,
          ),
        )
        .all();
    },

    markNotified(ids: readonly number[], at: number): void {
      if (ids.length > 0)
        db.update(lookalikes)
          .set({ notifiedAt: at })
          .where(inArray(lookalikes.id, [...ids]))
          .run();
    },

    /** The authors of these posts, with the handle and name as the post showed them. */
    authorsOfPosts(postIds: readonly number[]): AuthorSeen[] {
      if (postIds.length === 0) return [];
      return db
        .selectDistinct({
          authorId: posts.authorId,
          platform: posts.platform,
          accountId: sql<string>`coalesce(${authors.externalId}, ${posts.authorHandle}, '')`,
          handle: posts.authorHandle,
          name: posts.authorName,
        })
        .from(posts)
        .leftJoin(authors, eq(authors.id, posts.authorId))
        .where(inArray(posts.id, [...postIds]))
        .all()
        .filter((a) => a.accountId !== '');
    },

    /** A page of the authors who ever posted about this watch, by author id. */
    authorsOfWatch(watchId: string, afterId: number, limit: number): (AuthorSeen & { authorId: number })[] {
      return db
        .select({
          authorId: authors.id,
          platform: authors.platform,
          accountId: authors.externalId,
          handle: authors.handle,
          name: authors.name,
        })
        .from(authors)
        .where(
          and(
            gt(authors.id, afterId),
            sql`exists (select 1 from ${posts} where ${posts.authorId} = ${authors.id} and ${posts.watchId} = ${watchId})`,
          ),
        )
        .orderBy(asc(authors.id))
        .limit(limit)
        .all();
    },

    lastScan(watchId: string, kind: string): number | undefined {
      return db
        .select({ at: identityScans.lastRunAt })
        .from(identityScans)
        .where(and(eq(identityScans.watchId, watchId), eq(identityScans.kind, kind)))
        .get()?.at;
    },

    recordScan(watchId: string, kind: string, at: number, error: string | null): void {
      db.insert(identityScans)
        .values({ watchId, kind, lastRunAt: at, lastError: error })
        .onConflictDoUpdate({
          target: [identityScans.watchId, identityScans.kind],
          set: { lastRunAt: at, lastError: error },
        })
        .run();
    },
  };
}

export type IdentityRepo = ReturnType<typeof createIdentityRepo>;
