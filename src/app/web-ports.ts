import type { Config } from '../config/schema.ts';
import { sql } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import type { Logger } from '../logger.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Ledger } from '../db/ledger/ledger.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { Level } from '../scoring/index.ts';
import { createArchiveRepo, type ArchiveRepo } from '../evidence/archive-repo.ts';
import { writeDossier, type DossierDeps } from '../evidence/dossier.ts';
import { createLedgerTimestampsRepo } from '../evidence/ledger-timestamps-repo.ts';
import { createDossierRepo, type DossierRepo } from '../evidence/dossier-repo.ts';
import type { CaptureRepo } from '../evidence/capture/capture-repo.ts';
import { currentCaptureHealth } from '../evidence/capture/capture-breaker.ts';
import { browserPathOf } from '../evidence/capture/browser-host.ts';
import { createWavesRepo } from '../alerts/waves-repo.ts';
import { createRecipientsRepo } from '../alerts/recipients-repo.ts';
import { unsubscribeKey } from '../alerts/unsubscribe-token.ts';
import { createUsersRepo } from '../web/auth/users-repo.ts';
import { createTriageRepo } from '../web/triage-repo.ts';
import { createAuditRepo } from '../web/audit-repo.ts';
import { createWatchAdminRepo } from '../web/watch-admin-repo.ts';
import type { AlertsPort, EvidencePort, LookalikesPort } from '../web/ports.ts';
import { createIdentity, type Identity } from '../identity/identity-port.ts';
import { createIdentityRepo } from '../identity/identity-repo.ts';
import { createLoginAttemptsRepo } from '../web/auth/login-attempts-repo.ts';
import { createLoginGuard } from '../web/auth/login-guard.ts';
import { createMailer, type Mailer } from '../alerts/mailer.ts';
import { createInvitationsRepo } from '../web/auth/invitations-repo.ts';
import { createNotificationsPort } from './notifications-port.ts';
import type { Channels } from '../alerts/channels/channels.ts';

export interface WebPortsDeps {
  /** The store the dashboard's repositories run on. */
  store: Store;
  log: Logger;
  config: Readonly<Config>;
  watches: WatchesRepo;
  ledger: Ledger;
  /** Built with the ledger when not given. */
  archives?: ArchiveRepo;
  dossierPosts?: DossierRepo;
  /** Local captures: their files go into dossiers. */
  captures?: CaptureRepo;
  /** Where to start the archive job at once (absent in tests and benchmarks: the sweep picks it up). */
  queue?: JobQueue;
  /** The identity module (look-alike accounts); built from the store when not given. */
  identity?: Identity;
  /** The service's mailer (follows the dashboard's mail settings); the configured one when absent. */
  mailer?: Mailer;
  /** The service's channels (follow the dashboard's chat settings); built from `config` when absent. */
  channels?: Channels;
  /** The installation's encryption key (people's channel targets); the configured or dataDir one when absent. */
  encryptionKey?: () => string;
}

/** The repositories and ports the dashboard needs, built from the store (see web/app.ts AppDeps). */
export function createWebPorts(deps: WebPortsDeps) {
  const identity = deps.identity ?? identityFromStore(deps);
  const confirmedImpersonations = async (watchId: string) =>
    (await identity.list(watchId)).filter((l) => l.status === 'confirmed');
  return {
    lookalikesPort: lookalikesPort(identity),
    users: createUsersRepo(deps.store),
    invitations: createInvitationsRepo(deps.store),
    triage: createTriageRepo(deps.store),
    audit: createAuditRepo(deps.store),
    recipients: createRecipientsRepo(deps.store),
    watchAdmin: createWatchAdminRepo(deps.store),
    evidencePort: createEvidencePort({
      ...deps,
      confirmedImpersonations,
      archives: deps.archives ?? createArchiveRepo(deps.store, deps.ledger),
      dossierPosts: deps.dossierPosts ?? createDossierRepo(deps.store),
    }),
    alertsPort: createAlertsPort(deps),
    unsubscribeKey: () => unsubscribeKey(deps.store, deps.config.alerts.unsubscribeSecret),
    pingDb: async () => {
      await deps.store.get(sql`select 1 as one`);
    },
    loginGuard: createLoginGuard({
      attempts: createLoginAttemptsRepo(deps.store),
      log: deps.log,
      mailer: deps.mailer ?? createMailer(deps.config.mail, deps.config.dataDir, deps.log),
    }),
  };
}

/**
 * Without a running service (tests, benchmarks) the dashboard still confirms and dismisses: the
 * alert job is not enqueued, and the alerts tick finds the candidates not yet told.
 */
function identityFromStore(deps: WebPortsDeps): Identity {
  return createIdentity({
    repo: createIdentityRepo(deps.store),
    box: undefined,
    ledger: deps.ledger,
    config: deps.config,
    watches: deps.watches,
    queue: deps.queue ?? { enqueue: async () => {} },
    log: deps.log,
  });
}

function lookalikesPort(identity: Identity): LookalikesPort {
  return {
    list: (watchId) => identity.list(watchId),
    get: (id) => identity.get(id),
    confirm: (id, actor) => identity.confirm(id, actor),
    dismiss: (id) => identity.dismiss(id),
  };
}

function createEvidencePort(
  deps: WebPortsDeps & {
    archives: ArchiveRepo;
    dossierPosts: DossierRepo;
    confirmedImpersonations: DossierDeps['confirmedImpersonations'];
  },
): EvidencePort {
  const { ledger, archives } = deps;
  return {
    recordViewed: async (e) => {
      await ledger.append({ type: 'viewed', watchId: e.watchId, postId: e.postId, actor: e.actor });
    },
    eventsForPost: async (postId) =>
      (await ledger.eventsForPost(postId)).map((r) => ({
        id: r.id,
        at: r.at,
        type: r.type,
        actor: r.actor,
        data: r.data,
        hash: r.hash,
      })),
    recordDecision: async (e) => {
      await ledger.append({
        type: e.type,
        watchId: e.watchId,
        postId: e.postId,
        actor: e.actor,
        data: e.data,
      });
    },
    flagForArchive: async (postId, actor) => {
      const flagged = await archives.flagForArchive(postId, actor);
      // Archive now rather than at the next sweep: a flagged post may be deleted any minute.
      await deps.queue?.enqueue('archive', { postIds: [postId] }, { jobId: `archive:post:${postId}` });
      if (deps.config.capture.enabled)
        await deps.queue?.enqueue('capture', { postIds: [postId] }, { jobId: `capture:post:${postId}` });
      return flagged;
    },
    captureStatus:
      deps.captures && deps.config.capture.enabled
        ? (
            (captures) => () =>
              currentCaptureHealth(captures, browserPathOf(deps.config.capture.browserPath), Date.now())
          )(deps.captures)
        : undefined,
    writeDossier: (r, outFile) =>
      writeDossier(
        {
          config: deps.config,
          watches: deps.watches,
          ledger,
          dossierPosts: deps.dossierPosts,
          captures: deps.captures,
          ledgerTimestamps: createLedgerTimestampsRepo(deps.store),
          confirmedImpersonations: deps.confirmedImpersonations,
          log: deps.log,
        },
        {
          watchId: r.watchId,
          from: r.from,
          to: r.to,
          minLevel: r.minLevel as Level | undefined,
          lang: r.lang === 'en' || r.lang === 'both' ? r.lang : 'fr',
          actor: r.actor,
        },
        outFile,
      ),
  };
}

function createAlertsPort(deps: WebPortsDeps): AlertsPort {
  const waves = createWavesRepo(deps.store);
  return {
    currentWave: async (watchId) => (await waves.current(watchId)) ?? null,
    notifications: createNotificationsPort(deps),
  };
}
