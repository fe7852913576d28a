import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/load.ts';
import { checkDataDir } from '../config/data-dir.ts';
import { dbFile, openDb, type Db } from '../db/client.ts';

/**
 * Checks the data folder before a command uses it (config/data-dir.ts). Read-only commands get
 * the database opened read-only here; the others open it as usual (undefined is returned).
 */
export function openDataDir(config: Readonly<Config>, readOnly: boolean): Db | undefined {
  const checked = checkDataDir(config.dataDir, { write: !readOnly });
  if (checked.created) process.stderr.write(`vigie: created the data folder ${checked.dir}\n`);
  if (!readOnly) return undefined;
  const file = dbFile(checked.dir);
  if (!existsSync(file))
    throw new ConfigError(`dataDir: ${checked.dir} holds no database yet (run "vigie migrate" first)`);
  return openDb(file, { readonly: true });
}
