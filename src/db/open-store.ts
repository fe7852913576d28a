import type { Config } from '../config/schema.ts';
import { isPostgresUrl } from '../config/database-url.ts';
import { dbFile } from './client.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** Open without writing (a read-only connection or read-only transactions; no migration). */
  readonly?: boolean;
  /** Apply pending migrations (default true; never when readonly). */
  migrate?: boolean;
}

/**
 * The store the configuration names: PostgreSQL when `database.url` (DATABASE_URL in the
 * environment, mapped by the loader) is a `postgres://` URL, else the SQLite file in dataDir. The
 * PostgreSQL store (and `pg`) is imported only then.
 */
export async function openStore(
  config: Pick<Config, 'dataDir'> & { database?: { url?: string | undefined } },
  options: OpenStoreOptions = {},
): Promise<Store> {
  const url = databaseUrlOf(config);
  const migrate = options.migrate !== false && !options.readonly;
  if (url) {
    const { openPgStore } = await import('./pg-store.ts');
    return openPgStore(url, { migrate, readonly: options.readonly ?? false });
  }
  return openSqliteStore(dbFile(config.dataDir), { migrate, readonly: options.readonly ?? false });
}

/** The PostgreSQL URL in force, or undefined for the embedded SQLite file. */
export function databaseUrlOf(config: { database?: { url?: string | undefined } }): string | undefined {
  const url = config.database?.url;
  return url && isPostgresUrl(url) ? url : undefined;
}
