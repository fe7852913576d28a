import type { Logger } from '../logger.ts';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import { RetryLaterError, type JobHandlers, type Schedule } from '../jobs/types.ts';
import { createEvidence } from './evidence-port.ts';

export interface EvidenceHandlerDeps {
  config: Readonly<Config>;
  log: Logger;
  db: Db;
  watches: WatchesRepo;
}

// Work that comes back due sooner than this is waited for by deferring the job; later work is
// left to the sweep schedule, so a queue never holds a job for hours.
const DEFER_HORIZON_MS = 30 * 60_000;

/**
 * `archive` ({watchId} or {postIds}, or nothing: every watch) and `deletion-check` jobs. Both find
 * their work in the database, so a repeated or lost job neither loses nor duplicates anything.
 */
export function createEvidenceHandlers(deps: EvidenceHandlerDeps): JobHandlers {
  const evidence = createEvidence(deps);
  return {
    async archive(payload, ctx) {
      const summary = await evidence.archiver.run({
        watchId: payload.watchId,
        postIds: payload.postIds,
        waitMs: 0,
        signal: ctx.signal,
      });
      ctx.log.info(
        { ...summary, nextDueAt: summary.nextDueAt && new Date(summary.nextDueAt).toISOString() },
        'archive pass done',
      );
      // Pending captures and rate-limited submissions: run again when the next one is due.
      if (
        summary.nextDueAt !== undefined &&
        summary.nextDueAt - Date.now() < DEFER_HORIZON_MS &&
        !ctx.signal.aborted
      ) {
        throw new RetryLaterError(
          `${summary.remaining} archive rows still in progress`,
          Math.max(summary.nextDueAt, Date.now() + 1000),
        );
      }
    },

    async 'deletion-check'(payload, ctx) {
      await evidence.deletionCheck({ watchId: payload.watchId, signal: ctx.signal });
    },
  };
}

/** Recurring evidence jobs: a sweep finding archive work left by restarts or retries, and the deletion watch. */
export function evidenceSchedules(config: Readonly<Config>): Schedule[] {
  return [
    { id: 'archive:sweep', pattern: '*/5 * * * *', kind: 'archive', payload: {} },
    {
      id: 'deletion-check',
      pattern: config.archive.deletionCheck.schedule,
      kind: 'deletion-check',
      payload: {},
    },
  ];
}
