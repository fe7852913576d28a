import { createHash } from 'node:crypto';
import { eq, isNull, asc } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { watches } from '../schema/index.ts';
import type { WatchConfig } from '../../config/schema.ts';

export interface StoredWatch {
  id: string;
  definition: WatchConfig;
  removedAt: number | null;
}

export function createWatchesRepo(db: Db) {
  return {
    /**
     * Applies the configured watches. The file seeds the store and the dashboard edits it: a
     * configured watch is (re)written only when it is new or its definition in the file changed
     * since it was last applied; a configured watch that left the file is marked removed (its
     * posts and evidence stay); watches created in the dashboard are left alone.
     */
    syncFromConfig(configured: readonly WatchConfig[], now = Date.now()): void {
      db.transaction((tx) => {
        const ids = new Set(configured.map((w) => w.id));
        for (const w of configured) {
          const hash = createHash('sha256').update(JSON.stringify(w)).digest('hex');
          const stored = tx
            .select({ configHash: watches.configHash, removedAt: watches.removedAt })
            .from(watches)
            .where(eq(watches.id, w.id))
            .get();
          if (stored && stored.configHash === hash) {
            // Unchanged in the file: keep the stored (maybe edited) definition; back in the file: active again.
            if (stored.removedAt !== null)
              tx.update(watches).set({ removedAt: null, updatedAt: now }).where(eq(watches.id, w.id)).run();
            continue;
          }
          tx.insert(watches)
            .values({ id: w.id, definition: w, createdAt: now, updatedAt: now, configHash: hash })
            .onConflictDoUpdate({
              target: watches.id,
              set: { definition: w, updatedAt: now, removedAt: null, configHash: hash },
            })
            .run();
        }
        for (const row of tx
          .select({ id: watches.id, configHash: watches.configHash })
          .from(watches)
          .where(isNull(watches.removedAt))
          .all()) {
          if (!ids.has(row.id) && row.configHash !== null)
            tx.update(watches).set({ removedAt: now }).where(eq(watches.id, row.id)).run();
        }
      });
    },

    get(id: string): StoredWatch | undefined {
      const row = db.select().from(watches).where(eq(watches.id, id)).get();
      return row ? toStored(row) : undefined;
    },

    listActive(): StoredWatch[] {
      return db
        .select()
        .from(watches)
        .where(isNull(watches.removedAt))
        .orderBy(asc(watches.id))
        .all()
        .map(toStored);
    },
  };
}

function toStored(row: typeof watches.$inferSelect): StoredWatch {
  return { id: row.id, definition: row.definition as WatchConfig, removedAt: row.removedAt };
}

export type WatchesRepo = ReturnType<typeof createWatchesRepo>;
