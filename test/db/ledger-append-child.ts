// Child process for the ledger concurrency test: appends N events to the ledger of the database
// at argv[2], one transaction each, as a separate worker process would.
import { openDb } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';

const [, , file, count, tag] = process.argv;
const store = createSqliteStore(openDb(file!, { migrate: false }));
const ledger = createLedger(store);
for (let i = 0; i < Number(count); i++)
  await ledger.append({ type: 'viewed', watchId: 'alice', actor: `${tag}-${i}`, data: { i } });
await store.close();
