import { and, desc, eq, gte, isNull, or, sql } from 'drizzle-orm';
import type { waves } from '../db/schema/index.ts';
import type { Store } from '../db/store.ts';
import { jsonElements } from './digest-repo.ts';
import { HOUR_MS, type HourlyCounts } from './wave-detector.ts';

export type WaveRow = typeof waves.$inferSelect;

// A post's time for waves is when it was published (falling back to when we first saw it), so a
// first poll that back-fills a week of old posts spreads them over their real hours instead of
// faking a spike at install time.
const POST_TIME = sql.raw('coalesce(p.created_at, p.first_seen_at)');

export function createWavesRepo(store: Store) {
  const { db, t } = store;
  const { waves: wavesTable } = t;
  return {
    /** Hostile posts per hour from `from` (floored to the hour) to the hour containing `now`. */
    async hourlyHostileCounts(watchId: string, from: number, now: number): Promise<HourlyCounts> {
      const startHour = Math.floor(from / HOUR_MS) * HOUR_MS;
      const hours = Math.floor(now / HOUR_MS) - startHour / HOUR_MS + 1;
      const counts = new Array<number>(Math.max(0, hours)).fill(0);
      // Times are integers (epoch ms) in both dialects: the division is an integer division.
      const hour = sql`cast((${POST_TIME} - ${startHour}) / ${sql.raw(String(HOUR_MS))} as integer)`;
      const rows = await store.all<{ h: number | string; n: number | string }>(
        sql`select ${hour} as h, count(*) as n from posts p
            where p.watch_id = ${watchId} and p.hostile = true and ${POST_TIME} >= ${startHour} and ${POST_TIME} <= ${now}
            group by h`,
      );
      for (const r of rows) {
        const h = Number(r.h);
        if (h >= 0 && h < counts.length) counts[h] = Number(r.n);
      }
      return { startHour, counts };
    },

    /** Time of the watch's oldest post (to start the baseline there rather than weeks earlier). */
    async firstPostTime(watchId: string): Promise<number | undefined> {
      const row = await store.get<{ t: number | string | null }>(
        sql`select min(${POST_TIME}) as t from posts p where p.watch_id = ${watchId}`,
      );
      return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
    },

    async topCategories(
      watchId: string,
      from: number,
      to: number,
      limit = 3,
    ): Promise<{ category: string; count: number }[]> {
      const rows = await store.all<{ category: string; count: number | string }>(
        sql`select j.value as category, count(*) as count from posts p, ${jsonElements(store, 'p.categories')}
            where p.watch_id = ${watchId} and p.hostile = true and ${POST_TIME} >= ${from} and ${POST_TIME} < ${to}
            group by j.value order by count(*) desc, j.value limit ${limit}`,
      );
      return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
    },

    /** Stored waves that ended after `since` or are still going on. */
    async relevant(watchId: string, since: number): Promise<WaveRow[]> {
      return await db
        .select()
        .from(wavesTable)
        .where(
          and(
            eq(wavesTable.watchId, watchId),
            or(isNull(wavesTable.endedAt), gte(wavesTable.endedAt, since)),
          ),
        )
        .orderBy(wavesTable.startedAt);
    },

    /** Inserts a wave; undefined when one with the same start exists (another process was first). */
    async insert(row: Omit<WaveRow, 'id'>): Promise<WaveRow | undefined> {
      return (await db.insert(wavesTable).values(row).onConflictDoNothing().returning())[0];
    },

    async update(id: number, set: Partial<Omit<WaveRow, 'id' | 'watchId'>>): Promise<void> {
      await db.update(wavesTable).set(set).where(eq(wavesTable.id, id));
    },

    /** Closes a wave; false when it was already closed (so the all-clear is announced once). */
    async close(
      id: number,
      endedAt: number,
      set: Partial<Omit<WaveRow, 'id' | 'watchId'>>,
    ): Promise<boolean> {
      const closed = await db
        .update(wavesTable)
        .set({ ...set, endedAt })
        .where(and(eq(wavesTable.id, id), isNull(wavesTable.endedAt)))
        .returning({ id: wavesTable.id });
      return closed.length > 0;
    },

    async get(id: number): Promise<WaveRow | undefined> {
      return (await db.select().from(wavesTable).where(eq(wavesTable.id, id)))[0];
    },

    current: (watchId: string) => currentWave(store, watchId),
    list: (watchId: string, limit?: number) => listWaves(store, watchId, limit),
    overlapping: (watchId: string, from: number, to: number) => wavesOverlapping(store, watchId, from, to),
  };
}

/** The wave going on for this watch, if any (for the dashboard and digests). */
export async function currentWave(
  store: Store,
  watchId: string,
): Promise<(WaveRow & { posts: number }) | undefined> {
  const { waves: w } = store.t;
  const [row] = await store.db
    .select()
    .from(w)
    .where(and(eq(w.watchId, watchId), isNull(w.endedAt)))
    .orderBy(desc(w.startedAt))
    .limit(1);
  // `posts` is the name the dashboard's wave banner reads.
  return row ? { ...row, posts: row.count } : undefined;
}

/** The latest waves of this watch, newest first. */
export async function listWaves(store: Store, watchId: string, limit = 20): Promise<WaveRow[]> {
  const { waves: w } = store.t;
  return await store.db
    .select()
    .from(w)
    .where(eq(w.watchId, watchId))
    .orderBy(desc(w.startedAt))
    .limit(limit);
}

/** Waves that overlap [from, to). */
export async function wavesOverlapping(
  store: Store,
  watchId: string,
  from: number,
  to: number,
): Promise<WaveRow[]> {
  const { waves: w } = store.t;
  const rows = await store.db
    .select()
    .from(w)
    .where(and(eq(w.watchId, watchId), or(isNull(w.endedAt), gte(w.endedAt, from))))
    .orderBy(w.startedAt);
  return rows.filter((x) => x.startedAt < to);
}

export type WavesRepo = ReturnType<typeof createWavesRepo>;
