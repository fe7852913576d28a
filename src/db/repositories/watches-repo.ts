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
     * Makes the stored watches match the configured ones: configured watches are created or
     * updated; watches no longer configured are marked removed (their posts and evidence stay).
     */
    syncFromConfig(configured: readonly WatchConfig[], now = Date.now()): void {
      db.transaction((tx) => {
        const ids = new Set(configured.map((w) => w.id));
        for (const w of configured) {
          tx.insert(watches)
            .values({ id: w.id, definition: w, createdAt: now, updatedAt: now })
            .onConflictDoUpdate({ target: watches.id, set: { definition: w, updatedAt: now, removedAt: null } })
            .run();
        }
        for (const row of tx.select({ id: watches.id }).from(watches).where(isNull(watches.removedAt)).all()) {
          if (!ids.has(row.id)) tx.update(watches).set({ removedAt: now }).where(eq(watches.id, row.id)).run();
        }
      });
    },

    get(id: string): StoredWatch | undefined {
      const row = db.select().from(watches).where(eq(watches.id, id)).get();
      return row ? toStored(row) : undefined;
    },

    listActive(): StoredWatch[] {
      return db.select().from(watches).where(isNull(watches.removedAt)).orderBy(asc(watches.id)).all().map(toStored);
    },
  };
}

function toStored(row: typeof watches.$inferSelect): StoredWatch {
  return { id: row.id, definition: row.definition as WatchConfig, removedAt: row.removedAt };
}

export type WatchesRepo = ReturnType<typeof createWatchesRepo>;
