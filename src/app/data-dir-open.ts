import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/load.ts';
import { checkDataDir } from '../config/data-dir.ts';
import { dbFile } from '../db/client.ts';
import { databaseUrlOf, openStore } from '../db/open-store.ts';
import type { Store } from '../db/store.ts';

/**
 * Checks the data folder before a command uses it (config/data-dir.ts): it holds the outbox,
 * captures and dossiers whichever store holds the rows. Read-only commands get the store opened
 * read-only here; the others open it as usual (undefined is returned).
 */
export async function openDataDir(config: Readonly<Config>, readOnly: boolean): Promise<Store | undefined> {
  // A listing on PostgreSQL reads the server only: this machine may have no data folder (another
  // host keeps the outbox and captures), and a read-only command creates none.
  if (readOnly && databaseUrlOf(config) && !existsSync(path.resolve(config.dataDir)))
    return openStore(config, { readonly: true });
  const checked = checkDataDir(config.dataDir, { write: !readOnly });
  if (checked.created) process.stderr.write(`vigie: created the data folder ${checked.dir}\n`);
  if (!readOnly) return undefined;
  if (databaseUrlOf(config)) return openStore(config, { readonly: true });
  if (!existsSync(dbFile(checked.dir)))
    throw new ConfigError(`dataDir: ${checked.dir} holds no database yet (run "vigie migrate" first)`);
  return openStore({ ...config, dataDir: checked.dir }, { readonly: true });
}
