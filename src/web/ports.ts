import type { Config } from '../config/schema.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import type { Level } from '../scoring/index.ts';
import { createLedger } from '../db/ledger/ledger.ts';
import { createArchiveRepo } from '../evidence/archive-repo.ts';
import { writeDossier } from '../evidence/dossier.ts';
import { currentWave } from '../alerts/waves-repo.ts';

// What the dashboard uses from the evidence and alerts modules, as narrow ports: route code and
// tests depend on these shapes, not on the modules' internals.

export interface CustodyEvent {
  id: number;
  at: number;
  type: string;
  actor: string;
  data: string;
  hash: string;
}

export interface DossierRequest {
  watchId: string;
  from?: number;
  to?: number;
  minLevel?: string;
  lang?: string;
  actor?: string;
}

export interface EvidencePort {
  recordViewed(e: { watchId: string; postId: number; actor: string }): void;
  eventsForPost(postId: number): CustodyEvent[];
  flagForArchive?: (postId: number, actor: string) => unknown;
  writeDossier?: (request: DossierRequest, outFile: string) => Promise<unknown>;
}

export interface WaveView {
  startedAt: number;
  posts?: number;
  peakCount?: number;
  topCategories?: { category: string; count: number }[];
}

export interface AlertsPort {
  currentWave?: (watchId: string) => WaveView | null | undefined | Promise<WaveView | null | undefined>;
}

export function createEvidencePort(deps: {
  db: Db;
  log: Logger;
  config: Readonly<Config>;
  watches: WatchesRepo;
  /** Where to start the archive job at once (absent in tests and benchmarks: the sweep picks it up). */
  queue?: JobQueue;
}): EvidencePort {
  const ledger = createLedger(deps.db);
  const archives = createArchiveRepo(deps.db);
  return {
    recordViewed: (e) => {
      ledger.append({ type: 'viewed', watchId: e.watchId, postId: e.postId, actor: e.actor });
    },
    eventsForPost: (postId) =>
      ledger
        .eventsForPost(postId)
        .map((r) => ({ id: r.id, at: r.at, type: r.type, actor: r.actor, data: r.data, hash: r.hash })),
    flagForArchive: async (postId, actor) => {
      const flagged = archives.flagForArchive(postId, actor);
      // Archive now rather than at the next sweep: a flagged post may be deleted any minute.
      await deps.queue?.enqueue('archive', { postIds: [postId] }, { jobId: `archive:post:${postId}` });
      return flagged;
    },
    writeDossier: (r, outFile) =>
      writeDossier(
        { config: deps.config, db: deps.db, watches: deps.watches, log: deps.log },
        {
          watchId: r.watchId,
          from: r.from,
          to: r.to,
          minLevel: r.minLevel as Level | undefined,
          lang: r.lang === 'en' ? 'en' : 'fr',
          actor: r.actor,
        },
        outFile,
      ),
  };
}

export function createAlertsPort(deps: { db: Db }): AlertsPort {
  return { currentWave: (watchId) => currentWave(deps.db, watchId) ?? null };
}
