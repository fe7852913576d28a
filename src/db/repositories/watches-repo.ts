import { createHash } from 'node:crypto';
import { eq, isNull, asc } from 'drizzle-orm';
import type { Store } from '../store.ts';
import type { watches } from '../schema/index.ts';
import type { WatchConfig } from '../../config/schema.ts';

export interface StoredWatch {
  id: string;
  definition: WatchConfig;
  removedAt: number | null;
}

export function createWatchesRepo(store: Store) {
  const { db, t } = store;
  return {
    /**
     * Applies the configured watches. The file seeds the store and the dashboard edits it: a
     * configured watch is (re)written only when it is new or its definition in the file changed
     * since it was last applied; a configured watch that left the file is marked removed (its
     * posts and evidence stay); watches created in the dashboard are left alone.
     */
    async syncFromConfig(configured: readonly WatchConfig[], now = Date.now()): Promise<void> {
      await store.transaction(async (tx) => {
        const { watches } = tx.t;
        const ids = new Set(configured.map((w) => w.id));
        for (const w of configured) {
          const hash = createHash('sha256').update(JSON.stringify(w)).digest('hex');
          const [stored] = await tx.db
            .select({ configHash: watches.configHash, removedAt: watches.removedAt })
            .from(watches)
            .where(eq(watches.id, w.id))
            .limit(1);
          if (stored && stored.configHash === hash) {
            // Unchanged in the file: keep the stored (maybe edited) definition; back in the file: active again.
            if (stored.removedAt !== null)
              await tx.db.update(watches).set({ removedAt: null, updatedAt: now }).where(eq(watches.id, w.id));
            continue;
          }
          await tx.db
            .insert(watches)
            .values({ id: w.id, definition: w, createdAt: now, updatedAt: now, configHash: hash })
            .onConflictDoUpdate({
              target: watches.id,
              set: { definition: w, updatedAt: now, removedAt: null, configHash: hash },
            });
        }
        const active = await tx.db
          .select({ id: watches.id, configHash: watches.configHash })
          .from(watches)
          .where(isNull(watches.removedAt));
        for (const row of active) {
          if (!ids.has(row.id) && row.configHash !== null)
            await tx.db.update(watches).set({ removedAt: now }).where(eq(watches.id, row.id));
        }
      });
    },

    async get(id: string): Promise<StoredWatch | undefined> {
      const [row] = await db.select().from(t.watches).where(eq(t.watches.id, id)).limit(1);
      return row ? toStored(row) : undefined;
    },

    async listActive(): Promise<StoredWatch[]> {
      const rows = await db.select().from(t.watches).where(isNull(t.watches.removedAt)).orderBy(asc(t.watches.id));
      return rows.map(toStored);
    },
  };
}

function toStored(row: typeof watches.$inferSelect): StoredWatch {
  return { id: row.id, definition: row.definition as WatchConfig, removedAt: row.removedAt };
}

export type WatchesRepo = ReturnType<typeof createWatchesRepo>;
