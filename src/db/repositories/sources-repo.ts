import { and, eq, asc, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { sources, watches } from '../schema/index.ts';

export type SourceRow = typeof sources.$inferSelect;

export interface SourceSpec {
  kind: string;
  target: string;
}

export function createSourcesRepo(db: Db) {
  return {
    /** Creates the watch's configured sources, re-enables them, and disables the ones no longer configured (keeping their history). */
    syncForWatch(watchId: string, specs: readonly SourceSpec[]): void {
      db.transaction((tx) => {
        const wanted = new Set(specs.map((s) => `${s.kind}\u0000${s.target}`));
        for (const s of specs) {
          tx.insert(sources)
            .values({ watchId, kind: s.kind, target: s.target, enabled: true })
            .onConflictDoUpdate({
              target: [sources.watchId, sources.kind, sources.target],
              set: { enabled: true },
            })
            .run();
        }
        for (const row of tx.select().from(sources).where(eq(sources.watchId, watchId)).all()) {
          if (!wanted.has(`${row.kind}\u0000${row.target}`) && row.enabled) {
            tx.update(sources).set({ enabled: false }).where(eq(sources.id, row.id)).run();
          }
        }
      });
    },

    get(id: number): SourceRow | undefined {
      return db.select().from(sources).where(eq(sources.id, id)).get();
    },

    listEnabled(watchId?: string): SourceRow[] {
      const cond = watchId
        ? and(eq(sources.enabled, true), eq(sources.watchId, watchId))
        : eq(sources.enabled, true);
      return db.select().from(sources).where(cond).orderBy(asc(sources.watchId), asc(sources.id)).all();
    },

    /** Every source of active watches, with health, for `vigie sources` and the dashboard. */
    listHealth(): SourceRow[] {
      return db
        .select({ s: sources })
        .from(sources)
        .innerJoin(watches, eq(watches.id, sources.watchId))
        .where(sql`${watches.removedAt} is null`)
        .orderBy(asc(sources.watchId), asc(sources.kind), asc(sources.id))
        .all()
        .map((r) => r.s);
    },

    markPolled(id: number, at: number): void {
      db.update(sources).set({ lastPollAt: at }).where(eq(sources.id, id)).run();
    },

    recordSuccess(id: number, at: number, warnings: readonly string[] = []): void {
      db.update(sources)
        .set({
          lastSuccessAt: at,
          consecutiveFailures: 0,
          failingSince: null,
          ...(warnings.length ? { lastWarning: warnings.join('; ').slice(0, 2000), lastWarningAt: at } : {}),
        })
        .where(eq(sources.id, id))
        .run();
    },

    recordFailure(id: number, at: number, message: string): void {
      db.update(sources)
        .set({
          lastErrorAt: at,
          lastError: message.slice(0, 2000),
          consecutiveFailures: sql`${sources.consecutiveFailures} + 1`,
          failingSince: sql`coalesce(${sources.failingSince}, ${at})`,
        })
        .where(eq(sources.id, id))
        .run();
    },
  };
}

export type SourcesRepo = ReturnType<typeof createSourcesRepo>;
