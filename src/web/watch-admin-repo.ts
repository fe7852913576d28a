import type { Db } from '../db/client.ts';
import type { WatchConfig } from '../config/schema.ts';

/** Saves a watch edited in the dashboard: the stored definition is what the jobs read. */
export function createWatchAdminRepo(db: Db) {
  const upsert = db.$client.prepare(
    `insert into watches (id, definition, created_at, updated_at) values (?, ?, ?, ?)
     on conflict(id) do update set definition = excluded.definition, updated_at = excluded.updated_at, removed_at = null`,
  );
  return {
    save(def: WatchConfig, now = Date.now()): void {
      upsert.run(def.id, JSON.stringify(def), now, now);
    },
    exists(id: string): boolean {
      return !!db.$client.prepare(`select 1 from watches where id = ?`).get(id);
    },
  };
}

export type WatchAdminRepo = ReturnType<typeof createWatchAdminRepo>;
