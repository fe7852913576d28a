import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import {
  PermanentJobError,
  RetryLaterError,
  windowJobId,
  type EnqueueOptions,
  type JobDriver,
  type JobHandlers,
  type JobKind,
  type JobPayload,
  type Schedule,
} from './types.ts';

interface QueuedJob {
  kind: JobKind;
  payload: JobPayload;
  jobId: string | undefined;
  attempt: number;
}

export interface InlineDriverOptions {
  log: Logger;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
}

/**
 * The embedded driver: node-cron ticks and an in-process runner with bounded concurrency and
 * retries with exponential backoff. Nothing survives a restart — and nothing needs to: every
 * handler re-derives its work from the database.
 */
export function createInlineDriver(options: InlineDriverOptions): JobDriver {
  const { log } = options;
  const ready: QueuedJob[] = [];
  const known = new Set<string>(); // job ids queued, delayed or running
  const timers = new Set<NodeJS.Timeout>();
  const tasks = new Map<string, ScheduledTask>();
  const abort = new AbortController();
  let handlers: JobHandlers | undefined;
  let concurrency = options.concurrency;
  let running = 0;
  let stopping = false;
  let idleWaiters: Array<() => void> = [];

  function settleIdle() {
    if (running === 0 && ready.length === 0 && timers.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function later(job: QueuedJob, delayMs: number) {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        ready.push(job);
        pump();
      },
      Math.max(0, delayMs),
    );
    timers.add(timer);
  }

  function pump() {
    while (handlers && !stopping && running < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      running++;
      void run(job).finally(() => {
        running--;
        pump();
        settleIdle();
      });
    }
    settleIdle();
  }

  async function run(job: QueuedJob) {
    const handler = handlers?.[job.kind];
    const jobLog = log.child({
      job: job.kind,
      jobId: job.jobId,
      watch: job.payload.watchId,
      source: job.payload.sourceId,
    });
    if (!handler) {
      jobLog.warn('no handler for this job kind in this process; dropped');
      if (job.jobId) known.delete(job.jobId);
      return;
    }
    try {
      await handler(job.payload, { log: jobLog, signal: abort.signal, attempt: job.attempt });
      if (job.jobId) known.delete(job.jobId);
    } catch (err) {
      if (stopping) {
        if (job.jobId) known.delete(job.jobId);
        return;
      }
      if (err instanceof RetryLaterError) {
        jobLog.info({ retryAt: new Date(err.retryAt).toISOString() }, 'job deferred: %s', err.message);
        later(job, err.retryAt - Date.now());
        return;
      }
      const final = err instanceof PermanentJobError || job.attempt >= options.maxAttempts;
      if (final) {
        jobLog.error({ err, attempt: job.attempt }, 'job failed for good');
        if (job.jobId) known.delete(job.jobId);
        return;
      }
      const delay = options.backoffMs * 2 ** (job.attempt - 1);
      jobLog.warn(
        { err: (err as Error).message, attempt: job.attempt, retryInMs: delay },
        'job failed; will retry',
      );
      later({ ...job, attempt: job.attempt + 1 }, delay);
    }
  }

  const driver: JobDriver = {
    name: 'inline',

    async enqueue(kind, payload, opts: EnqueueOptions = {}) {
      if (stopping) return;
      if (opts.jobId) {
        if (known.has(opts.jobId)) return;
        known.add(opts.jobId);
      }
      const job: QueuedJob = { kind, payload, jobId: opts.jobId, attempt: 1 };
      if (opts.delayMs && opts.delayMs > 0) later(job, opts.delayMs);
      else {
        ready.push(job);
        pump();
      }
    },

    async start(h, startOptions = {}) {
      handlers = startOptions.kinds
        ? Object.fromEntries(Object.entries(h).filter(([k]) => startOptions.kinds!.includes(k as JobKind)))
        : h;
      if (startOptions.concurrency) concurrency = startOptions.concurrency;
      pump();
    },

    async syncSchedules(schedules: readonly Schedule[]) {
      const wanted = new Map(schedules.map((s) => [s.id, s]));
      for (const [id, task] of tasks) {
        if (!wanted.has(id)) {
          await task.stop();
          tasks.delete(id);
        }
      }
      for (const s of schedules) {
        await tasks.get(s.id)?.stop();
        const task = cron.schedule(
          s.pattern,
          () => driver.enqueue(s.kind, s.payload, { jobId: windowJobId(s.id, Date.now()) }),
          { name: s.id, timezone: s.timezone, noOverlap: true },
        );
        tasks.set(s.id, task);
      }
    },

    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },

    async stop() {
      stopping = true;
      for (const task of tasks.values()) await task.stop();
      tasks.clear();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      ready.length = 0;
      // Running jobs get a moment to finish; then the signal ends long waits (rate limits, slow
      // requests). Nothing is lost by that: pages are stored in synchronous transactions and a
      // cursor only moves with the last page.
      const deadline = Date.now() + 2_000;
      while (running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      abort.abort(new Error('shutting down'));
      while (running > 0) await new Promise((r) => setTimeout(r, 25));
      settleIdle();
    },
  };
  return driver;
}
