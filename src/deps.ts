import type { Config } from './config/schema.ts';
import type { Logger } from './logger.ts';
import { closeDb, dbFile, openDb, type Db } from './db/client.ts';
import { createWatchesRepo } from './db/repositories/watches-repo.ts';
import { createSourcesRepo } from './db/repositories/sources-repo.ts';
import { createPostsRepo } from './db/repositories/posts-repo.ts';
import { createAdapterRegistry, sourceSpecsForWatch, type AdapterRegistry } from './sources/registry.ts';
import { createScorerCache } from './ingest/scorer-cache.ts';
import { createInlineDriver } from './jobs/inline-driver.ts';
import type { JobDriver } from './jobs/types.ts';
import { createHandlers, pollSchedules } from './jobs/handlers.ts';

/**
 * The composition root: the only place that constructs things. Everything else receives what it
 * uses through a `deps` argument.
 */
export function createDeps(config: Readonly<Config>, log: Logger, options: { db?: Db; driver?: JobDriver } = {}) {
  const db = options.db ?? openDb(dbFile(config.dataDir));
  const watches = createWatchesRepo(db);
  const sources = createSourcesRepo(db);
  const posts = createPostsRepo(db);
  const adapters: AdapterRegistry = createAdapterRegistry(config);
  const scorers = createScorerCache();
  const driver =
    options.driver ??
    createInlineDriver({ log, concurrency: config.jobs.concurrency, maxAttempts: config.jobs.maxAttempts, backoffMs: config.jobs.backoffMs });

  const deps = {
    config,
    log,
    db,
    watches,
    sources,
    posts,
    adapters,
    scorers,
    driver,
    queue: driver,
    /** Makes the store match the configuration: watches and their sources. */
    syncWatches(): void {
      watches.syncFromConfig(config.watches);
      for (const w of watches.listActive()) sources.syncForWatch(w.id, sourceSpecsForWatch(w.definition));
    },
    handlers() {
      return createHandlers({ ...deps, queue: driver });
    },
    schedules() {
      return pollSchedules(watches.listActive());
    },
    async close(): Promise<void> {
      await driver.stop();
      closeDb(db);
    },
  };
  return deps;
}

export type Deps = ReturnType<typeof createDeps>;
