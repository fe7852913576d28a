import type { Logger } from '../logger.ts';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import { createXAdapters } from '../sources/x/x-adapter.ts';
import { createArchiveRepo } from './archive-repo.ts';
import { createArchiver } from './archiver.ts';
import { createLedger } from '../db/ledger/ledger.ts';
import { createWaybackClient } from './wayback.ts';
import { runDeletionCheck } from './deletion-check.ts';

/** The evidence module wired from the shared deps (built in the composition root or a handler factory). */
export function createEvidence(deps: {
  config: Readonly<Config>;
  log: Logger;
  db: Db;
  watches: WatchesRepo;
}) {
  const ledger = createLedger(deps.db);
  const archives = createArchiveRepo(deps.db);
  const wayback = createWaybackClient(deps.config.archive.wayback, deps.config.sources.feeds.userAgent);
  const archiver = createArchiver({
    config: deps.config,
    log: deps.log.child({ part: 'archive' }),
    watches: deps.watches,
    archives,
    wayback,
  });
  const xLookup = deps.config.sources.x.bearerToken
    ? createXAdapters(deps.config.sources.x).lookup
    : undefined;
  return {
    ledger,
    archives,
    archiver,
    deletionCheck: (options: { watchId?: string; signal?: AbortSignal } = {}) =>
      runDeletionCheck(
        {
          config: deps.config,
          log: deps.log.child({ part: 'deletion-check' }),
          archives,
          db: deps.db,
          xLookup,
        },
        options,
      ),
  };
}

export type Evidence = ReturnType<typeof createEvidence>;
