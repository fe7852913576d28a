import { and, eq, asc, sql } from 'drizzle-orm';
import type { Store } from '../store.ts';
import type { sources } from '../schema/index.ts';

export type SourceRow = typeof sources.$inferSelect;

export interface SourceSpec {
  kind: string;
  target: string;
}

export function createSourcesRepo(store: Store) {
  const { db, t } = store;
  return {
    /** Creates the watch's configured sources, re-enables them, and disables the ones no longer configured (keeping their history). */
    async syncForWatch(watchId: string, specs: readonly SourceSpec[]): Promise<void> {
      await store.transaction(async (tx) => {
        const { sources } = tx.t;
        const wanted = new Set(specs.map((s) => `${s.kind}\u0000${s.target}`));
        for (const s of specs) {
          await tx.db
            .insert(sources)
            .values({ watchId, kind: s.kind, target: s.target, enabled: true })
            .onConflictDoUpdate({
              target: [sources.watchId, sources.kind, sources.target],
              set: { enabled: true },
            });
        }
        for (const row of await tx.db.select().from(sources).where(eq(sources.watchId, watchId))) {
          if (!wanted.has(`${row.kind}\u0000${row.target}`) && row.enabled) {
            await tx.db.update(sources).set({ enabled: false }).where(eq(sources.id, row.id));
          }
        }
      });
    },

    async get(id: number): Promise<SourceRow | undefined> {
      return (await db.select().from(t.sources).where(eq(t.sources.id, id)).limit(1))[0];
    },

    async listEnabled(watchId?: string): Promise<SourceRow[]> {
      const { sources } = t;
      const cond = watchId
        ? and(eq(sources.enabled, true), eq(sources.watchId, watchId))
        : eq(sources.enabled, true);
      return db.select().from(sources).where(cond).orderBy(asc(sources.watchId), asc(sources.id));
    },

    /** Every source of active watches, with health, for `vigie sources` and the dashboard. */
    async listHealth(): Promise<SourceRow[]> {
      const { sources, watches } = t;
      const rows = await db
        .select({ s: sources })
        .from(sources)
        .innerJoin(watches, eq(watches.id, sources.watchId))
        .where(sql`${watches.removedAt} is null`)
        .orderBy(asc(sources.watchId), asc(sources.kind), asc(sources.id));
      return rows.map((r) => r.s);
    },

    async markPolled(id: number, at: number): Promise<void> {
      await db.update(t.sources).set({ lastPollAt: at }).where(eq(t.sources.id, id));
    },

    async recordSuccess(id: number, at: number, warnings: readonly string[] = []): Promise<void> {
      await db
        .update(t.sources)
        .set({
          lastSuccessAt: at,
          consecutiveFailures: 0,
          failingSince: null,
          ...(warnings.length ? { lastWarning: warnings.join('; ').slice(0, 2000), lastWarningAt: at } : {}),
        })
        .where(eq(t.sources.id, id));
    },

    async recordFailure(id: number, at: number, message: string): Promise<void> {
      const { sources } = t;
      await db
        .update(sources)
        .set({
          lastErrorAt: at,
          lastError: message.slice(0, 2000),
          consecutiveFailures: sql`${sources.consecutiveFailures} + 1`,
          failingSince: sql`coalesce(${sources.failingSince}, ${at})`,
        })
        .where(eq(sources.id, id));
    },
  };
}

export type SourcesRepo = ReturnType<typeof createSourcesRepo>;
