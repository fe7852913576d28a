import type { Logger } from '../logger.ts';
import { RetryLaterError, type JobDriver, type JobHandlers, type JobKind, type JobPayload } from './types.ts';

export interface OnceReport {
  /** Jobs run to the end, per kind. */
  ran: Partial<Record<JobKind, number>>;
  /** Jobs that asked to run again later (a capture still pending, a rate limit): left to the next run. */
  deferred: number;
  /** Jobs that failed (logged); their work stays in the database for the next run. */
  failed: number;
}

export type OnceDriver = JobDriver & { report(): OnceReport };

/**
 * The driver of one-shot commands (`vigie poll --once`): the jobs enqueued while the command runs
 * (the after-store rule's alert and archive jobs) are run by the same handlers as the service's,
 * once each, when the command asks `idle()`, which resolves when none is left. A job that asks to
 * be tried later, or fails, is not waited for: every handler re-derives its work from the database,
 * so the next run (or the service's sweeps) picks it up.
 */
export function createOnceDriver(options: { log: Logger }): OnceDriver {
  const { log } = options;
  const queue: { kind: JobKind; payload: JobPayload }[] = [];
  const known = new Set<string>();
  const abort = new AbortController();
  const report: OnceReport = { ran: {}, deferred: 0, failed: 0 };
  let handlers: JobHandlers = {};
  let stopped = false;

  return {
    name: 'once',
    async enqueue(kind, payload, opts = {}) {
      if (stopped) return;
      if (opts.jobId !== undefined) {
        if (known.has(opts.jobId)) return;
        known.add(opts.jobId);
      }
      queue.push({ kind, payload });
    },
    async start(h) {
      handlers = h;
    },
    async syncSchedules() {
      // One-shot: nothing recurs.
    },
    async idle() {
      for (let job = queue.shift(); job !== undefined && !stopped; job = queue.shift()) {
        const handler = handlers[job.kind];
        const jobLog = log.child({ job: job.kind, watch: job.payload.watchId });
        if (!handler) {
          jobLog.warn('no handler for this job kind; left for the service');
          continue;
        }
        try {
          await handler(job.payload, { log: jobLog, signal: abort.signal, attempt: 1 });
          report.ran[job.kind] = (report.ran[job.kind] ?? 0) + 1;
        } catch (err) {
          if (err instanceof RetryLaterError) {
            report.deferred++;
            jobLog.info(
              { retryAt: new Date(err.retryAt).toISOString() },
              'left for the next run: %s',
              err.message,
            );
          } else {
            report.failed++;
            jobLog.error({ err }, 'job failed; its work stays for the next run');
          }
        }
      }
    },
    async stop() {
      stopped = true;
      queue.length = 0;
      abort.abort(new Error('shutting down'));
    },
    report: () => structuredClone(report),
  };
}
