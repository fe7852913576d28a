// Child process for the ledger concurrency test: appends N events to the ledger of the database
// at argv[2], one transaction each, as a separate worker process would.
import { openDb, closeDb } from '../../src/db/client.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';

const [, , file, count, tag] = process.argv;
const db = openDb(file!, { migrate: false });
const ledger = createLedger(db);
for (let i = 0; i < Number(count); i++)
  ledger.append({ type: 'viewed', watchId: 'alice', actor: `${tag}-${i}`, data: { i } });
closeDb(db);
