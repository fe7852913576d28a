import type { Logger } from '../logger.ts';
import { pollSource, type PollOutcome, type PollSourceDeps } from '../ingest/poll-source.ts';
import { rescoreWatch } from '../ingest/rescore.ts';
import { RetryLaterError, type JobHandlers, type JobQueue, type Schedule } from '../jobs/types.ts';
import type { StoredWatch } from '../db/repositories/watches-repo.ts';
import { createEvidenceHandlers, type EvidenceHandlerDeps } from '../evidence/handlers.ts';
import { alertHandlers, type Alerts } from '../alerts/alerts-port.ts';

export interface HandlerDeps extends PollSourceDeps, EvidenceHandlerDeps {
  queue: JobQueue;
  log: Logger;
  /** Immediate alerts, waves and digests (src/alerts/). */
  alerts?: Alerts;
}

/**
 * The job handlers, the same functions whichever driver runs them. They take ids and read the
 * rest from the database.
 */
export function createHandlers(deps: HandlerDeps): JobHandlers {
  // In one process, never poll the same source twice at once (a slow poll overlapping the next tick).
  const polling = new Set<number>();

  return {
    ...createEvidenceHandlers(deps),
    ...(deps.alerts ? alertHandlers(deps.alerts) : {}),
    async poll(payload, ctx) {
      if (payload.task === 'watch' && payload.watchId) {
        // One id per source, not per window: both drivers collapse it while a poll of that source is
        // queued or running, so two workers never poll the same source at once.
        for (const s of deps.sources.listEnabled(payload.watchId)) {
          await deps.queue.enqueue(
            'poll',
            { task: 'source', sourceId: s.id, watchId: s.watchId },
            { jobId: `poll:source:${s.id}` },
          );
        }
        return;
      }
      if (payload.sourceId === undefined) throw new Error('poll job without a source id');
      if (polling.has(payload.sourceId)) return;
      polling.add(payload.sourceId);
      let outcome: PollOutcome;
      try {
        outcome = await pollSource({ ...deps, log: ctx.log }, payload.sourceId, { signal: ctx.signal });
      } finally {
        polling.delete(payload.sourceId);
      }
      if (outcome.retryAt !== undefined)
        throw new RetryLaterError(outcome.error ?? 'rate limited', outcome.retryAt);
      if (!outcome.ok && outcome.retryable && !ctx.signal.aborted)
        throw new Error(outcome.error ?? 'poll failed');
    },

    async score(payload, ctx) {
      if (!payload.watchId) throw new Error('score job without a watch id');
      const n = rescoreWatch(deps, payload.watchId);
      ctx.log.info({ rescored: n }, 'rescore done');
    },
  };
}

/** The recurring jobs for these watches: one poll fan-out per watch on its cron schedule. */
export function pollSchedules(watches: readonly StoredWatch[]): Schedule[] {
  return watches.map((w) => ({
    id: `poll:${w.id}`,
    pattern: w.definition.schedule,
    kind: 'poll' as const,
    payload: { task: 'watch', watchId: w.id },
  }));
}
