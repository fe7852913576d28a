import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { openStore } from '../db/open-store.ts';
import type { Store } from '../db/store.ts';
import { createLedger } from '../db/ledger/ledger.ts';
import { createWatchesRepo } from '../db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../db/repositories/sources-repo.ts';
import { createPostsRepo } from '../db/repositories/posts-repo.ts';
import { windowJobId, type JobDriver } from '../jobs/types.ts';
import { sourceSpecsForWatch } from '../sources/source-specs.ts';
import { createScorerCache } from '../ingest/scorer-cache.ts';
import { createArchiveRepo } from '../evidence/archive-repo.ts';
import { createArchiver } from '../evidence/archiver.ts';
import { createDossierRepo } from '../evidence/dossier-repo.ts';
import { createWaybackClient } from '../evidence/wayback.ts';
import { evidencePort } from '../evidence/evidence-port.ts';
import { createCaptureRepo } from '../evidence/capture/capture-repo.ts';
import { createCapturer } from '../evidence/capture/capturer.ts';
import { browserPathOf } from '../evidence/capture/browser-host.ts';
import { createCaptureHost } from '../evidence/capture/capture-host.ts';
import { createLedgerStamper } from '../evidence/ledger-stamper.ts';
import { createLedgerTimestampsRepo } from '../evidence/ledger-timestamps-repo.ts';
import { createIdentityRepo } from '../identity/identity-repo.ts';
import { createSecretBox } from '../identity/crypto.ts';
import { createIdentity, withoutPrivate } from '../identity/identity-port.ts';
import { createAlerts } from './alerts-wiring.ts';
import { createJobDriver } from './job-driver.ts';
import { createLiveSourceAdapters } from './source-adapters.ts';
import { createMailer } from '../alerts/mailer.ts';
import { createSettingsRepo } from '../db/repositories/settings-repo.ts';
import { createSettingsStore } from './settings-store.ts';
import { encryptionKeyProvider } from './encryption-key.ts';
import { swappableMailer } from './swappable-mailer.ts';
import { swappableChannels } from './swappable-channels.ts';
import { createChannels } from '../alerts/channels/channels.ts';
import { createSetupGate } from '../web/setup-gate.ts';
import { createWebPorts } from './web-ports.ts';
import { afterStoreRule, createHandlers, schedules } from './handlers.ts';

export interface DepsOptions {
  /** The store every repository uses (read-only commands pass one opened read-only); opened from the configuration when omitted. */
  store?: Store;
  driver?: JobDriver;
  /** Settings the file or environment set (loadConfig's `locked`): the dashboard cannot change them. */
  locked?: ReadonlySet<string>;
}

/**
 * The composition root: the only place that constructs things. Everything else receives what it
 * uses through a `deps` argument. Async: the store is opened and the dashboard's settings are
 * read before anything that depends on them is built.
 */
export async function createDeps(config: Readonly<Config>, log: Logger, options: DepsOptions = {}) {
  // SQLite in dataDir, or PostgreSQL when database.url / DATABASE_URL says so (db/open-store.ts).
  const store = options.store ?? (await openStore(config));
  // One ledger object: its appends are chained, and every writer shares the same statements.
  const ledger = createLedger(store);
  const watches = createWatchesRepo(store);
  const sources = createSourcesRepo(store);
  const posts = createPostsRepo(store, ledger);
  // The dashboard's settings (SMTP, source credentials) laid over the file; what holds a copy of
  // them (the mailer, the platform clients) is rebuilt when they change, without a restart.
  const mailer = swappableMailer(createMailer(config.mail, config.dataDir, log.child({ part: 'alerts' })));
  const encryptionKey = encryptionKeyProvider(config, log);
  const settings = createSettingsStore({
    base: config,
    locked: options.locked ?? new Set(),
    repo: createSettingsRepo(store),
    key: encryptionKey,
    log,
    mailer: () => mailer,
  });
  // Read once here; `settings.effective()` then answers synchronously from memory (see settings-store.ts).
  await settings.load();
  const effective = settings.effective();
  if (effective !== config)
    mailer.replace(createMailer(effective.mail, config.dataDir, log.child({ part: 'alerts' })));
  const platforms = createLiveSourceAdapters(effective);
  // The chat services' servers and tokens (ntfy, Telegram, Matrix, Signal) may be set in the
  // dashboard too: alerts and test messages read the channel of a kind at each send.
  const channels = swappableChannels(createChannels(effective, mailer));
  settings.onChange((next) => {
    mailer.replace(createMailer(next.mail, config.dataDir, log.child({ part: 'alerts' })));
    platforms.rebuild(next);
    channels.replace(createChannels(next, mailer));
  });
  const scorers = createScorerCache({ learned: config.scoring.learned });
  const driver =
    // BullMQ on Redis when REDIS_URL / queue.redisUrl is set, the in-process runner otherwise.
    options.driver ?? createJobDriver(config, log);

  const archives = createArchiveRepo(store, ledger);
  const dossierPosts = createDossierRepo(store);
  const captures = createCaptureRepo(store, ledger);
  // The browser runs in a child process, started at the first capture and reused until idle.
  const capturer = config.capture.enabled
    ? createCapturer({
        config,
        log: log.child({ part: 'capture' }),
        watches,
        captures,
        browser: createCaptureHost({
          executablePath: browserPathOf(config.capture.browserPath),
          idleExitMs: config.capture.idleExitMs,
        }),
      })
    : undefined;
  const ledgerTimestamps = createLedgerTimestampsRepo(store);
  const evidence = evidencePort({
    config,
    log,
    posts,
    ledger,
    archives,
    archiver: createArchiver({
      config,
      log: log.child({ part: 'archive' }),
      watches,
      archives,
      wayback: createWaybackClient(config.archive.wayback, config.sources.feeds.userAgent),
    }),
    capturer,
    captures,
    get xLookup() {
      return platforms.xLookup;
    },
    ledgerStamper: createLedgerStamper({
      config,
      ledger,
      stamps: ledgerTimestamps,
      log: log.child({ part: 'ledger-timestamp' }),
    }),
  });
  const alerts = createAlerts({ store, config, log, watches, mailer, channels, key: encryptionKey });
  const identity = createIdentity({
    repo: createIdentityRepo(store),
    box: config.security.encryptionKey ? createSecretBox(config.security.encryptionKey) : undefined,
    ledger,
    config,
    watches,
    queue: driver,
    log,
    searchers: platforms.accountSearchers,
  });
  const afterStore = afterStoreRule({ identity, queue: driver, capture: config.capture.enabled });

  const deps = {
    config,
    log,
    store,
    ledger,
    watches,
    sources,
    posts,
    adapters: platforms.registry,
    scorers,
    /** The job driver; it is also the queue every producer enqueues on. */
    driver,
    afterStore,
    identity,
    pii: identity.pii,
    evidence,
    dossierPosts,
    captures,
    ledgerTimestamps,
    alerts,
    settings,
    encryptionKey,
    mailer,
    /** The first-run setup link: open while no account exists (see web/setup-gate.ts). */
    setupGate: createSetupGate(),
    /** "Poll now" from the dashboard: the same job the schedule enqueues, at once. */
    pollNow: async (watchId: string) => {
      // Its own id (a second's window): neither the boot poll nor the schedule's swallows it.
      await driver.enqueue(
        'poll',
        { task: 'watch', watchId },
        { jobId: windowJobId(`poll-now:${watchId}`, Date.now(), 1000) },
      );
    },
    // The dashboard's repositories and ports (users, triage, audit, recipients, evidence, alerts).
    ...createWebPorts({
      store,
      log,
      config,
      watches,
      ledger,
      archives,
      dossierPosts,
      captures,
      queue: driver,
      identity,
      mailer,
      channels,
      encryptionKey,
    }),
    /** Accounts confirmed as impersonating the person: a file of the dossier (CLI export). */
    confirmedImpersonations: async (watchId: string) =>
      (await identity.list(watchId)).filter((l) => l.status === 'confirmed'),
    /**
     * Applies the configuration to the store: watches (a configured watch is re-applied only when
     * its definition in the file changed, so dashboard edits survive restarts), their sources and
     * recipients.
     */
    async syncWatches(): Promise<void> {
      // Private information never reaches watches.definition: it is stored encrypted by identity.
      await watches.syncFromConfig(config.watches.map(withoutPrivate));
      await identity.syncPrivate(config.watches);
      const active = await watches.listActive();
      for (const w of active) await sources.syncForWatch(w.id, sourceSpecsForWatch(w.definition));
      await alerts.syncRecipients(
        Date.now(),
        active.map((w) => w.definition),
      );
    },
    handlers() {
      return createHandlers({ ...deps, queue: driver });
    },
    async schedules() {
      return schedules(config, await watches.listActive());
    },
    async close(): Promise<void> {
      await driver.stop();
      await capturer?.close();
      await store.close();
    },
  };
  return deps;
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;
