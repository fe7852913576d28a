import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { closeDb, dbFile, openDb, type Db } from '../db/client.ts';
import { createWatchesRepo } from '../db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../db/repositories/sources-repo.ts';
import { createPostsRepo } from '../db/repositories/posts-repo.ts';
import {
  createAccountSearchers,
  createAdapterRegistry,
  sourceSpecsForWatch,
  type AdapterRegistry,
} from './source-adapters.ts';
import { createScorerCache } from '../ingest/scorer-cache.ts';
import { createJobDriver } from './job-driver.ts';
import { windowJobId, type JobDriver } from '../jobs/types.ts';
import type { StoredPostRef } from '../db/repositories/posts-repo.ts';
import { createHandlers, pollSchedules } from './handlers.ts';
import { evidenceSchedules } from '../evidence/handlers.ts';
import { createIdentity, withoutPrivate } from '../identity/identity-port.ts';
import { alertSchedules, createAlerts } from '../alerts/alerts-port.ts';

/**
 * The composition root: the only place that constructs things. Everything else receives what it
 * uses through a `deps` argument.
 */
export function createDeps(
  config: Readonly<Config>,
  log: Logger,
  options: { db?: Db; driver?: JobDriver } = {},
) {
  const db = options.db ?? openDb(dbFile(config.dataDir));
  const watches = createWatchesRepo(db);
  const sources = createSourcesRepo(db);
  const posts = createPostsRepo(db);
  const adapters: AdapterRegistry = createAdapterRegistry(config);
  const scorers = createScorerCache();
  const driver =
    // BullMQ on Redis when REDIS_URL / queue.redisUrl is set, the in-process runner otherwise.
    options.driver ?? createJobDriver(config, log);

  const alerts = createAlerts({ db, config, log });
  const identity = createIdentity({
    db,
    config,
    watches,
    queue: driver,
    log,
    searchers: createAccountSearchers(config),
  });

  /**
   * After new posts are stored: hostile ones call for evidence (archive) and maybe an immediate
   * alert. The jobs carry only the watch id; their handlers find the work in the database, and a
   * job id per minute collapses the many pages of one poll into one job.
   */
  async function afterStore(watchId: string, stored: readonly StoredPostRef[]): Promise<void> {
    // Look-alike check of the new posts' authors (cheap; account searches are throttled inside).
    await identity.afterStore(watchId, stored);
    if (!stored.some((p) => p.hostile || p.categories.length > 0)) return;
    const now = Date.now();
    await driver.enqueue('archive', { watchId }, { jobId: windowJobId(`archive:${watchId}`, now) });
    await driver.enqueue('alert', { watchId }, { jobId: windowJobId(`alert:${watchId}`, now) });
  }

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
    afterStore,
    identity,
    pii: identity.pii,
    alerts,
    /**
     * Applies the configuration to the store: watches (a configured watch is re-applied only when
     * its definition in the file changed, so dashboard edits survive restarts), their sources and
     * recipients.
     */
    syncWatches(): void {
      // Private information never reaches watches.definition: it is stored encrypted by identity.
      watches.syncFromConfig(config.watches.map(withoutPrivate));
      identity.syncPrivate(config.watches);
      for (const w of watches.listActive()) sources.syncForWatch(w.id, sourceSpecsForWatch(w.definition));
      alerts.syncRecipients(
        Date.now(),
        watches.listActive().map((w) => w.definition),
      );
    },
    handlers() {
      return createHandlers({ ...deps, queue: driver });
    },
    schedules() {
      return [
        ...pollSchedules(watches.listActive()),
        ...evidenceSchedules(config),
        ...alertSchedules(config),
      ];
    },
    async close(): Promise<void> {
      await driver.stop();
      closeDb(db);
    },
  };
  return deps;
}

export type Deps = ReturnType<typeof createDeps>;
