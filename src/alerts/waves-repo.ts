import { and, desc, eq, gte, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { waves } from '../db/schema/index.ts';
import { HOUR_MS, type HourlyCounts } from './wave-detector.ts';

export type WaveRow = typeof waves.$inferSelect;

// A post's time for waves is when it was published (falling back to when we first saw it), so a
// first poll that back-fills a week of old posts spreads them over their real hours instead of
// faking a spike at install time.
const POST_TIME = 'coalesce(created_at, first_seen_at)';

export function createWavesRepo(db: Db) {
  const client = db.$client;
  return {
    /** Hostile posts per hour from `from` (floored to the hour) to the hour containing `now`. */
    hourlyHostileCounts(watchId: string, from: number, now: number): HourlyCounts {
      const startHour = Math.floor(from / HOUR_MS) * HOUR_MS;
      const hours = Math.floor(now / HOUR_MS) - startHour / HOUR_MS + 1;
      const counts = new Array<number>(Math.max(0, hours)).fill(0);
      const rows = client
        .prepare(
          `select cast((${POST_TIME} - ?) / ${HOUR_MS} as integer) as h, count(*) as n from posts
           where watch_id = ? and hostile = 1 and ${POST_TIME} >= ? and ${POST_TIME} <= ? group by h`,
        )
        .all(startHour, watchId, startHour, now) as { h: number; n: number }[];
      for (const r of rows) if (r.h >= 0 && r.h < counts.length) counts[r.h] = r.n;
      return { startHour, counts };
    },

    /** Time of the watch's oldest post (to start the baseline there rather than weeks earlier). */
    firstPostTime(watchId: string): number | undefined {
      const row = client
        .prepare(`select min(${POST_TIME}) as t from posts where watch_id = ?`)
        .get(watchId) as { t: number | null };
      return row.t ?? undefined;
    },

    topCategories(
      watchId: string,
      from: number,
      to: number,
      limit = 3,
    ): { category: string; count: number }[] {
      return client
        .prepare(
          `select j.value as category, count(*) as count from posts p, json_each(coalesce(p.categories, '[]')) j
           where p.watch_id = ? and p.hostile = 1 and coalesce(p.created_at, p.first_seen_at) >= ? and coalesce(p.created_at, p.first_seen_at) < ?
           group by j.value order by count desc, category limit ?`,
        )
        .all(watchId, from, to, limit) as { category: string; count: number }[];
    },

    /** Stored waves that ended after `since` or are still going on. */
    relevant(watchId: string, since: number): WaveRow[] {
      return db
        .select()
        .from(waves)
        .where(and(eq(waves.watchId, watchId), or(isNull(waves.endedAt), gte(waves.endedAt, since))))
        .orderBy(waves.startedAt)
        .all();
    },

    /** Inserts a wave; undefined when one with the same start exists (another process was first). */
    insert(row: Omit<WaveRow, 'id'>): WaveRow | undefined {
      return db.insert(waves).values(row).onConflictDoNothing().returning().get();
    },

    update(id: number, set: Partial<Omit<WaveRow, 'id' | 'watchId'>>): void {
      db.update(waves).set(set).where(eq(waves.id, id)).run();
    },

    /** Closes a wave; false when it was already closed (so the all-clear is announced once). */
    close(id: number, endedAt: number, set: Partial<Omit<WaveRow, 'id' | 'watchId'>>): boolean {
      return (
        db
          .update(waves)
          .set({ ...set, endedAt })
          .where(and(eq(waves.id, id), isNull(waves.endedAt)))
          .run().changes > 0
      );
    },

    get(id: number): WaveRow | undefined {
      return db.select().from(waves).where(eq(waves.id, id)).get();
    },

    current: (watchId: string) => currentWave(db, watchId),
    list: (watchId: string, limit?: number) => listWaves(db, watchId, limit),
    overlapping: (watchId: string, from: number, to: number) => wavesOverlapping(db, watchId, from, to),
  };
}

/** The wave going on for this watch, if any (for the dashboard and digests). */
export function currentWave(db: Db, watchId: string): (WaveRow & { posts: number }) | undefined {
  const row = db
    .select()
    .from(waves)
    .where(and(eq(waves.watchId, watchId), isNull(waves.endedAt)))
    .orderBy(desc(waves.startedAt))
    .get();
  // `posts` is the name the dashboard's wave banner reads.
  return row ? { ...row, posts: row.count } : undefined;
}

/** The latest waves of this watch, newest first. */
export function listWaves(db: Db, watchId: string, limit = 20): WaveRow[] {
  return db
    .select()
    .from(waves)
    .where(eq(waves.watchId, watchId))
    .orderBy(desc(waves.startedAt))
    .limit(limit)
    .all();
}

/** Waves that overlap [from, to). */
export function wavesOverlapping(db: Db, watchId: string, from: number, to: number): WaveRow[] {
  return db
    .select()
    .from(waves)
    .where(and(eq(waves.watchId, watchId), or(isNull(waves.endedAt), gte(waves.endedAt, from))))
    .orderBy(waves.startedAt)
    .all()
    .filter((w) => w.startedAt < to);
}

export type WavesRepo = ReturnType<typeof createWavesRepo>;
