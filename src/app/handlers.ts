import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { StoredPostRef } from '../db/repositories/posts-repo.ts';
import type { StoredWatch } from '../db/repositories/watches-repo.ts';
import {
  RetryLaterError,
  windowJobId,
  type JobHandlers,
  type JobQueue,
  type Schedule,
} from '../jobs/types.ts';
import { pollSource, type PollOutcome, type PollSourceDeps } from '../ingest/poll-source.ts';
import { rescoreWatch, type RescoreDeps } from '../ingest/rescore.ts';
import type { Evidence } from '../evidence/evidence-port.ts';
import { timestampAuthorities } from '../evidence/timestamp-authorities.ts';
import type { Alerts } from '../alerts/alerts-port.ts';
import type { Identity } from '../identity/identity-port.ts';
import { captureHandlers, captureSchedules } from './capture-jobs.ts';

export interface HandlerDeps extends PollSourceDeps, RescoreDeps {
  queue: JobQueue;
  log: Logger;
  evidence: Evidence;
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
    ...(deps.evidence.capturer ? captureHandlers(deps.evidence.capturer) : {}),
    ...evidenceHandlers(deps.evidence, deps.queue),
    ...(deps.alerts ? alertHandlers(deps.alerts) : {}),
    async poll(payload, ctx) {
      if (payload.task === 'watch' && payload.watchId) {
        // One id per source, not per window: both drivers collapse it while a poll of that source is
        // queued or running, so two workers never poll the same source at once.
        for (const s of await deps.sources.listEnabled(payload.watchId)) {
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
      const n = await rescoreWatch(deps, payload.watchId);
      ctx.log.info({ rescored: n }, 'rescore done');
    },
  };
}

/**
 * The after-store rule. After new posts are stored: hostile ones call for evidence (archive) and
 * maybe an immediate alert. The jobs carry only the watch id; their handlers find the work in the
 * database, and a job id per minute collapses the many pages of one poll into one job.
 */
export function afterStoreRule(deps: {
  identity: Pick<Identity, 'afterStore'>;
  queue: JobQueue;
  /** Local captures are on (capture.enabled). */
  capture?: boolean;
}) {
  return async (watchId: string, stored: readonly StoredPostRef[]): Promise<void> => {
    // Look-alike check of the new posts' authors (cheap; account searches are throttled inside).
    await deps.identity.afterStore(watchId, stored);
    if (!stored.some((p) => p.hostile || p.categories.length > 0)) return;
    const now = Date.now();
    await deps.queue.enqueue('archive', { watchId }, { jobId: windowJobId(`archive:${watchId}`, now) });
    if (deps.capture)
      await deps.queue.enqueue('capture', { watchId }, { jobId: windowJobId(`capture:${watchId}`, now) });
    await deps.queue.enqueue('alert', { watchId }, { jobId: windowJobId(`alert:${watchId}`, now) });
  };
}

// Work that comes back due sooner than this is waited for by deferring the job; later work is
// left to the sweep schedule, so a queue never holds a job for hours.
const DEFER_HORIZON_MS = 30 * 60_000;

/**
 * `archive` ({watchId} or {postIds}, or nothing: every watch) and `deletion-check` jobs. Both find
 * their work in the database, so a repeated or lost job neither loses nor duplicates anything.
 */
export function evidenceHandlers(
  evidence: Pick<Evidence, 'archiver' | 'deletionCheck' | 'ledgerStamper'>,
  queue?: JobQueue,
): JobHandlers {
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
      // New archive rows in the ledger: time-stamp its head soon, once for a burst of passes.
      if (summary.archived > 0 && queue) await enqueueLedgerTimestamp(queue);
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

    async 'ledger-timestamp'(_payload, ctx) {
      if (!evidence.ledgerStamper) return;
      const s = await evidence.ledgerStamper.run();
      if (!s.skipped) ctx.log.info(s, 'ledger head time-stamped');
    },
  };
}

/** Debounce of the ledger timestamp after evidence is added: one request per window at most. */
export const LEDGER_TIMESTAMP_DEBOUNCE_MS = 5 * 60_000;

/**
 * Asks for a ledger-head timestamp at the end of the current debounce window: the burst of
 * archives (or captures) in that window is covered by one token per authority.
 */
export async function enqueueLedgerTimestamp(queue: JobQueue, now = Date.now()): Promise<void> {
  const windowEnd = (Math.floor(now / LEDGER_TIMESTAMP_DEBOUNCE_MS) + 1) * LEDGER_TIMESTAMP_DEBOUNCE_MS;
  await queue.enqueue(
    'ledger-timestamp',
    {},
    {
      jobId: windowJobId('ledger-timestamp:after', now, LEDGER_TIMESTAMP_DEBOUNCE_MS),
      delayMs: windowEnd - now,
    },
  );
}

/** Job handlers: `alert` ({watchId} after a poll, or {task: 'tick'}) and `digest`. */
export function alertHandlers(alerts: Pick<Alerts, 'runAlerts' | 'runDigests' | 'tick'>): JobHandlers {
  return {
    async alert(payload, ctx) {
      const report =
        payload.watchId && payload.task !== 'tick'
          ? await alerts.runAlerts(payload.watchId)
          : await alerts.tick();
      if (report.recorded || report.sent || report.retrying || report.failed)
        ctx.log.info(report, 'alerts run');
    },
    async digest(payload, ctx) {
      const report = await alerts.runDigests({ watchId: payload.watchId });
      if (report.recorded || report.sent || report.retrying || report.failed)
        ctx.log.info(report, 'digest run');
    },
  };
}

/** Every recurring job: polls per watch, the evidence sweeps, the alert and digest ticks. */
export function schedules(config: Readonly<Config>, watches: readonly StoredWatch[]): Schedule[] {
  return [
    ...pollSchedules(watches),
    ...evidenceSchedules(config),
    ...captureSchedules(config),
    ...alertSchedules(config),
  ];
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
    // The custody ledger's head, time-stamped by every authority (a no-op when the head has not moved).
    ...(timestampAuthorities(config.archive).length > 0
      ? [
          {
            id: 'ledger-timestamp',
            pattern: config.archive.ledgerTimestampSchedule,
            kind: 'ledger-timestamp' as const,
            payload: {},
          },
        ]
      : []),
  ];
}

/** The recurring ticks: held alerts, waves (including all-clears) and retries; due digests. */
export function alertSchedules(config: Readonly<Config>): Schedule[] {
  return [
    { id: 'alerts:tick', pattern: config.alerts.tick, kind: 'alert', payload: { task: 'tick' } },
    { id: 'digest:tick', pattern: config.alerts.tick, kind: 'digest', payload: {} },
  ];
}
