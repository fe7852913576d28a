// Child process for the ledger concurrency test: appends N events to the ledger of the database
// named by argv[2] (a SQLite file path, or a postgres:// URL), one transaction each, as a separate
// worker process would.
import { isPostgresUrl } from '../../src/config/database-url.ts';
import { openSqliteStore } from '../../src/db/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';

const [, , target, count, tag] = process.argv;

async function open(where: string): Promise<Store> {
  if (isPostgresUrl(where)) {
    const { openPgStore } = await import('../../src/db/pg-store.ts');
    return openPgStore(where, { migrate: false, maxConnections: 2 });
  }
  return openSqliteStore(where, { migrate: false });
}

const store = await open(target!);
const ledger = createLedger(store);
for (let i = 0; i < Number(count); i++)
  await ledger.append({ type: 'viewed', watchId: 'alice', actor: `${tag}-${i}`, data: { i } });
await store.close();
