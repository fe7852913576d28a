import type { Db } from '../client.ts';

export interface StoredSetting {
  path: string;
  /** JSON of the value, or a sealed blob when `secret`. */
  value: string;
  secret: boolean;
  updatedAt: number;
  updatedBy: string | null;
}

/** The dashboard's settings rows (see db/schema/settings.ts); sealing is the caller's business. */
export function createSettingsRepo(db: Db) {
  const all = () =>
    db.$client.prepare(
      `select path, value, secret, updated_at as updatedAt, updated_by as updatedBy from settings order by path`,
    );
  const put = () =>
    db.$client.prepare(
      `insert into settings (path, value, secret, updated_at, updated_by) values (?, ?, ?, ?, ?)
     on conflict(path) do update set value = excluded.value, secret = excluded.secret,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
  const remove = () => db.$client.prepare(`delete from settings where path = ?`);
  return {
    list(): StoredSetting[] {
      // A database opened read-only before its migration has no such table: no stored settings.
      const hasTable = db.$client
        .prepare(`select 1 from sqlite_master where type = 'table' and name = 'settings'`)
        .get();
      if (!hasTable) return [];
      return (all().all() as (Omit<StoredSetting, 'secret'> & { secret: number })[]).map((r) => ({
        ...r,
        secret: r.secret === 1,
      }));
    },
    /** Applies every change in one transaction: a form saves whole or not at all. */
    apply(
      changes: readonly { path: string; value: string | null; secret: boolean }[],
      by: string,
      now = Date.now(),
    ): void {
      db.$client.transaction(() => {
        for (const c of changes) {
          if (c.value === null) remove().run(c.path);
          else put().run(c.path, c.value, c.secret ? 1 : 0, now, by);
        }
      })();
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
