// Child process for the archive rate test: runs the archiver over the store its configuration
// names (the SQLite file in dataDir, or the PostgreSQL database of `database.url`), given as JSON
// in argv[2], as a second worker process on the machine would.
import { openStore } from '../../src/db/open-store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createArchiveRepo } from '../../src/evidence/archive-repo.ts';
import { createArchiver } from '../../src/evidence/archiver.ts';
import { createWaybackClient } from '../../src/evidence/wayback.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/logger.ts';

const [, , rawConfig, waitMs] = process.argv;
const config = parseConfig(JSON.parse(rawConfig!) as Record<string, unknown>);
const store = await openStore(config, { migrate: false });
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
