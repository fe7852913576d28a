import { asc, eq, sql } from 'drizzle-orm';
import type { Store } from '../store.ts';

export interface StoredSetting {
  path: string;
  /** JSON of the value, or a sealed blob when `secret`. */
  value: string;
  secret: boolean;
  updatedAt: number;
  updatedBy: string | null;
}

/** The dashboard's settings rows (see db/schema/settings.ts); sealing is the caller's business. */
export function createSettingsRepo(store: Store) {
  const { db, t } = store;

  /** A database opened read-only before its migration has no such table. */
  async function hasTable(): Promise<boolean> {
    const row =
      store.dialect === 'sqlite'
        ? await store.get(sql`select 1 as present from sqlite_master where type = 'table' and name = 'settings'`)
        : await store.get(
            sql`select 1 as present from information_schema.tables where table_schema = current_schema() and table_name = 'settings'`,
          );
    return row !== undefined;
  }

  return {
    async list(): Promise<StoredSetting[]> {
      if (!(await hasTable())) return [];
      return db
        .select({
          path: t.settings.path,
          value: t.settings.value,
          secret: t.settings.secret,
          updatedAt: t.settings.updatedAt,
          updatedBy: t.settings.updatedBy,
        })
        .from(t.settings)
        .orderBy(asc(t.settings.path));
    },
    /** Applies every change in one transaction: a form saves whole or not at all. */
    async apply(
      changes: readonly { path: string; value: string | null; secret: boolean }[],
      by: string,
      now = Date.now(),
    ): Promise<void> {
      await store.transaction(async (tx) => {
        const { settings } = tx.t;
        for (const c of changes) {
          if (c.value === null) await tx.db.delete(settings).where(eq(settings.path, c.path));
          else
            await tx.db
              .insert(settings)
              .values({ path: c.path, value: c.value, secret: c.secret, updatedAt: now, updatedBy: by })
              .onConflictDoUpdate({
                target: settings.path,
                set: { value: c.value, secret: c.secret, updatedAt: now, updatedBy: by },
              });
        }
      });
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
