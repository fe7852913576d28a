import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import type { WatchConfig } from '../config/schema.ts';

/** Saves a watch edited in the dashboard: the stored definition is what the jobs read. */
export function createWatchAdminRepo(store: Store) {
  return {
    async save(def: WatchConfig, now = Date.now()): Promise<void> {
      await store.run(
        sql`insert into watches (id, definition, created_at, updated_at) values (${def.id}, ${JSON.stringify(def)}, ${now}, ${now})
            on conflict (id) do update set definition = excluded.definition, updated_at = excluded.updated_at, removed_at = null`,
      );
    },
    async exists(id: string): Promise<boolean> {
      return (await store.get(sql`select 1 as one from watches where id = ${id}`)) !== undefined;
    },
  };
}

export type WatchAdminRepo = ReturnType<typeof createWatchAdminRepo>;
