// Child process for the archive rate test: runs the archiver over the database at argv[2] with
// the configuration given as JSON in argv[3], as a second worker process on the machine would.
import { openDb } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { createArchiver } from '../../src/evidence/archiver.ts';
import { createWaybackClient } from '../../src/evidence/wayback.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/logger.ts';

const [, , file, rawConfig, waitMs] = process.argv;
const config = parseConfig(JSON.parse(rawConfig!) as Record<string, unknown>);
const db = openDb(file!, { migrate: false });
const store = createSqliteStore(db);
const archiver = createArchiver({
  config,
  log: silentLogger(),
  watches: createWatchesRepo(store),
  archives: createArchiveRepo(store, createLedger(store)),
  wayback: createWaybackClient(config.archive.wayback),
});
const summary = await archiver.run({ watchId: 'alice', waitMs: Number(waitMs) });
process.stdout.write(`${JSON.stringify(summary)}\n`);
await store.close();
