// SQL of the identity module: encrypted private information, look-alike candidates, scan times.
import { and, asc, desc, eq, gt, inArray, ne, notInArray, sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import type { lookalikes } from '../db/schema/index.ts';

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

export function createIdentityRepo(store: Store) {
  const { db, t } = store;
  const { authors, identityScans, lookalikes, posts, watchPrivate } = t;
  return {
    async putPrivate(watchId: string, blob: string, keyId: string, at: number): Promise<void> {
      await db
        .insert(watchPrivate)
        .values({ watchId, blob, keyId, updatedAt: at })
        .onConflictDoUpdate({ target: watchPrivate.watchId, set: { blob, keyId, updatedAt: at } });
    },
    async getPrivate(watchId: string): Promise<{ blob: string; keyId: string } | undefined> {
      return (
        await db
          .select({ blob: watchPrivate.blob, keyId: watchPrivate.keyId })
          .from(watchPrivate)
          .where(eq(watchPrivate.watchId, watchId))
      )[0];
    },
    async deletePrivate(watchId: string): Promise<void> {
      await db.delete(watchPrivate).where(eq(watchPrivate.watchId, watchId));
    },
    /** Removes the private information of every watch not in `keep` (watches left the configuration). */
    async deletePrivateExcept(keep: readonly string[]): Promise<void> {
      await db
        .delete(watchPrivate)
        .where(keep.length ? notInArray(watchPrivate.watchId, [...keep]) : undefined);
    },

    /**
     * Records a candidate; returns it with `created` when it is new. A dismissed candidate stays
     * dismissed; its handle and name are still kept current. Each step is one statement (an insert
     * that does nothing on a known account, an update computed from the stored row), so two
     * processes finding the same account at once neither fail nor lose a stronger similarity.
     */
    upsertCandidate(c: CandidateWrite): Promise<{ row: LookalikeRow; created: boolean }> {
      return store.transaction(async (tx) => {
        const [inserted] = await tx.db
          .insert(lookalikes)
          .values({ ...c, firstSeenAt: c.at, lastSeenAt: c.at, status: 'new' })
          .onConflictDoNothing()
          .returning();
        if (inserted) return { row: inserted, created: true };
        const stronger = sql`${c.similarity} > ${lookalikes.similarity}`;
        const [row] = await tx.db
          .update(lookalikes)
          .set({
            handle: sql`coalesce(${c.handle}, ${lookalikes.handle})`,
            name: sql`coalesce(${c.name}, ${lookalikes.name})`,
            lastSeenAt: c.at,
            reason: sql`case when ${stronger} then ${c.reason} else ${lookalikes.reason} end`,
            similarity: sql`case when ${stronger} then ${c.similarity} else ${lookalikes.similarity} end`,
          })
          .where(
            and(
              eq(lookalikes.watchId, c.watchId),
              eq(lookalikes.platform, c.platform),
              eq(lookalikes.accountId, c.accountId),
            ),
          )
          .returning();
        return { row: row!, created: false };
      });
    },

    listCandidates(watchId: string, options: { includeDismissed?: boolean } = {}): Promise<LookalikeRow[]> {
      const where = options.includeDismissed
        ? eq(lookalikes.watchId, watchId)
        : and(eq(lookalikes.watchId, watchId), ne(lookalikes.status, 'dismissed'));
      return db
        .select()
        .from(lookalikes)
        .where(where)
        .orderBy(desc(lookalikes.similarity), asc(lookalikes.id));
    },

    async getCandidate(id: number): Promise<LookalikeRow | undefined> {
      return (await db.select().from(lookalikes).where(eq(lookalikes.id, id)))[0];
    },

    async setStatus(id: number, status: LookalikeStatus, at: number): Promise<void> {
      await db.update(lookalikes).set({ status, decidedAt: at }).where(eq(lookalikes.id, id));
    },

    /** For the alerts: candidates not yet notified, dismissed ones excluded. */
    unnotified(watchId: string, minSimilarity: number): Promise<LookalikeRow[]> {
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
        );
    },

    async markNotified(ids: readonly number[], at: number): Promise<void> {
      if (ids.length > 0)
        await db
          .update(lookalikes)
          .set({ notifiedAt: at })
          .where(inArray(lookalikes.id, [...ids]));
    },

    /** The authors of these posts, with the handle and name as the post showed them. */
    async authorsOfPosts(postIds: readonly number[]): Promise<AuthorSeen[]> {
      if (postIds.length === 0) return [];
      const rows = await db
        .selectDistinct({
          authorId: posts.authorId,
          platform: posts.platform,
          accountId: sql<string>`coalesce(${authors.externalId}, ${posts.authorHandle}, '')`,
          handle: posts.authorHandle,
          name: posts.authorName,
        })
        .from(posts)
        .leftJoin(authors, eq(authors.id, posts.authorId))
        .where(inArray(posts.id, [...postIds]));
      return rows.filter((a) => a.accountId !== '');
    },

    /** A page of the authors who ever posted about this watch, by author id. */
    authorsOfWatch(
      watchId: string,
      afterId: number,
      limit: number,
    ): Promise<(AuthorSeen & { authorId: number })[]> {
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
        .limit(limit);
    },

    async lastScan(watchId: string, kind: string): Promise<number | undefined> {
      return (
        await db
          .select({ at: identityScans.lastRunAt })
          .from(identityScans)
          .where(and(eq(identityScans.watchId, watchId), eq(identityScans.kind, kind)))
      )[0]?.at;
    },

    async recordScan(watchId: string, kind: string, at: number, error: string | null): Promise<void> {
      await db
        .insert(identityScans)
        .values({ watchId, kind, lastRunAt: at, lastError: error })
        .onConflictDoUpdate({
          target: [identityScans.watchId, identityScans.kind],
          set: { lastRunAt: at, lastError: error },
        });
    },
  };
}

export type IdentityRepo = ReturnType<typeof createIdentityRepo>;
