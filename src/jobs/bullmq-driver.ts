import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import { RedisConnections } from './redis-connections.ts';
import {
  JOB_KINDS,
  PermanentJobError,
  RetryLaterError,
  type EnqueueOptions,
  type JobDriver,
  type JobHandlers,
  type JobKind,
  type JobPayload,
  type Schedule,
} from './types.ts';

export interface BullmqDriverOptions {
  log: Logger;
  redisUrl: string;
  /** Namespace of every Redis key (a unique one per test). */
  prefix: string;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  removeOnComplete: number;
  removeOnFail: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** On a RetryLaterError the whole queue pauses at most this long (0: only the job waits). */
  rateLimitPauseMaxMs: number;
  /** Jobs per period across every worker of a queue (e.g. the Wayback capture rate on `archive`). */
  limiters?: Partial<Record<JobKind, { max: number; durationMs: number }>>;
  /** After this long, stop() aborts the running jobs' signal (they keep what they stored). */
  shutdownGraceMs?: number;
}

export interface QueueCounts {
  kind: JobKind;
  counts: Record<string, number>;
}

export interface FailedJobInfo {
  kind: JobKind;
  id: string;
  logicalId: string | undefined;
  attempts: number;
  failedAt: number | undefined;
  error: string;
}

/** The BullMQ driver, plus the operations `vigie queues` needs. */
export interface BullmqDriver extends JobDriver {
  readonly name: 'bullmq';
  counts(): Promise<QueueCounts[]>;
  failedJobs(limitPerQueue?: number): Promise<FailedJobInfo[]>;
  /** Moves every failed job back to waiting; returns how many. */
  retryFailed(kinds?: readonly JobKind[]): Promise<number>;
  /** The recurring jobs stored in Redis (all queues). */
  schedulers(): Promise<
    Array<{ kind: JobKind; id: string; pattern: string | undefined; next: number | undefined }>
  >;
}

export function isBullmqDriver(driver: JobDriver): driver is BullmqDriver {
  return driver.name === 'bullmq';
}

/** Jobs that are not finished yet. */
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Kinds whose RetryLaterError means a limit shared by the whole queue. */
const QUEUE_WIDE_DEFERRALS: readonly JobKind[] = ['poll'];

// Without a limiter, BullMQ ignores a manual `rateLimit()`; this one never binds by itself.
const UNBOUNDED_LIMITER = { max: 1_000_000, duration: 1_000 };

/** The payload's known id fields, nothing else: no post text or secret ever reaches Redis. */
function idsOnly(payload: JobPayload): JobPayload {
  const data: JobPayload = {};
  if (payload.task !== undefined) data.task = payload.task;
  if (payload.watchId !== undefined) data.watchId = payload.watchId;
  if (payload.sourceId !== undefined) data.sourceId = payload.sourceId;
  if (payload.postIds !== undefined) data.postIds = payload.postIds;
  return data;
}

/**
 * The distributed driver: one BullMQ queue per job kind on Redis, consumed by any number of
 * worker processes. Jobs carry ids only (JobPayload); handlers re-derive their work from the
 * database, so a job run twice (a killed worker's job handed to another) stores nothing twice.
 *
 * `EnqueueOptions.jobId` becomes a BullMQ *deduplication* id rather than a custom job id: a custom
 * id stays taken while the finished job is kept for `vigie queues` (removeOnComplete), which would
 * silently drop a later job of the same window (new hostile posts a few seconds after an archive
 * run). Deduplication holds only while the job is waiting, delayed or running — the embedded
 * driver's semantics — and accepts any characters, ':' included.
 */
export function createBullmqDriver(options: BullmqDriverOptions): BullmqDriver {
  const { log } = options;
  const connections = new RedisConnections(options.redisUrl);
  const queues = new Map<JobKind, Queue>();
  const workers = new Map<JobKind, Worker>();
  const abort = new AbortController();
  let closed = false;

  const jobOptions = (): JobsOptions => ({
    attempts: options.maxAttempts,
    backoff: { type: 'exponential', delay: options.backoffMs },
    removeOnComplete: { count: options.removeOnComplete },
    removeOnFail: { count: options.removeOnFail },
  });

  function queue(kind: JobKind): Queue {
    let q = queues.get(kind);
    if (!q) {
      q = new Queue(kind, {
        connection: connections.producer(),
        prefix: options.prefix,
        defaultJobOptions: jobOptions(),
      });
      q.on('error', (err) => log.error({ err: err.message, queue: kind }, 'queue error'));
      queues.set(kind, q);
    }
    return q;
  }

  function processor(kind: JobKind, handlers: JobHandlers) {
    return async (job: Job<JobPayload>, token?: string): Promise<void> => {
      const handler = handlers[kind];
      const payload = job.data;
      const jobLog = log.child({
        job: kind,
        jobId: job.deduplicationId ?? job.id,
        watch: payload.watchId,
        source: payload.sourceId,
      });
      if (!handler) throw new UnrecoverableError(`no handler for "${kind}" jobs`);
      try {
        await handler(payload, { log: jobLog, signal: abort.signal, attempt: job.attemptsMade + 1 });
      } catch (err) {
        if (err instanceof RetryLaterError) {
          const waitMs = Math.max(0, err.retryAt - Date.now());
          jobLog.info({ retryAt: new Date(err.retryAt).toISOString() }, 'job deferred: %s', err.message);
          // A poll deferral is an upstream rate limit (X's token is shared by every worker): pause
          // the queue for all of them, but briefly, so that one rate-limited source does not hold
          // up the feeds for 15 min. Other kinds defer for their own reasons (an archive capture
          // still pending): only that job waits.
          const pause = QUEUE_WIDE_DEFERRALS.includes(kind)
            ? Math.min(waitMs, options.rateLimitPauseMaxMs)
            : 0;
          if (pause > 0) await workers.get(kind)?.rateLimit(pause);
          // Delayed, not failed: a rate limit must not use up the job's attempts.
          await job.moveToDelayed(err.retryAt, token);
          throw new DelayedError();
        }
        if (err instanceof PermanentJobError) {
          jobLog.error({ err: err.message }, 'job failed for good');
          throw new UnrecoverableError(err.message);
        }
        jobLog.warn({ err: (err as Error).message, attempt: job.attemptsMade + 1 }, 'job failed');
        throw err;
      }
    };
  }

  async function pendingJobs(): Promise<number> {
    let total = 0;
    for (const kind of JOB_KINDS) {
      const q = queue(kind);
      const counts = await q.getJobCounts(...PENDING_STATES);
      let pending = Object.values(counts).reduce((a, b) => a + b, 0);
      // A schedule's next tick waits as a delayed job; it is not work in progress.
      if (counts.delayed && counts.delayed > 0) {
        const delayed = await q.getDelayed(0, -1);
        pending -= delayed.filter((j) => j.repeatJobKey || String(j.id).startsWith('repeat:')).length;
      }
      total += pending;
    }
    return total;
  }

  const driver: BullmqDriver = {
    name: 'bullmq',

    async enqueue(kind: JobKind, payload: JobPayload, opts: EnqueueOptions = {}) {
      if (closed) {
        log.warn({ job: kind }, 'job queue closed; job not added');
        return;
      }
      await queue(kind).add(kind, idsOnly(payload), {
        ...(opts.jobId ? { deduplication: { id: opts.jobId } } : {}),
        ...(opts.delayMs && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
      });
    },

    async start(handlers, startOptions = {}) {
      const kinds = (startOptions.kinds ?? JOB_KINDS).filter((k) => handlers[k]);
      for (const kind of kinds) {
        if (workers.has(kind)) continue;
        const limiter = options.limiters?.[kind];
        const worker = new Worker<JobPayload>(kind, processor(kind, handlers), {
          connection: connections.consumer(),
          prefix: options.prefix,
          // Stored on every job it takes: which machine and process ran (or dropped) it.
          name: `${hostname()}:${process.pid}`,
          concurrency: startOptions.concurrency ?? options.concurrency,
          limiter: limiter ? { max: limiter.max, duration: limiter.durationMs } : UNBOUNDED_LIMITER,
          lockDuration: options.lockDurationMs,
          stalledInterval: options.stalledIntervalMs,
          // A job caught twice by a dying worker is more likely a poison job than bad luck.
          maxStalledCount: 2,
        });
        worker.on('error', (err) => log.error({ err: err.message, queue: kind }, 'worker error'));
        worker.on('stalled', (jobId) =>
          log.warn({ queue: kind, jobId }, 'stalled job handed back to the queue'),
        );
        workers.set(kind, worker);
      }
      await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));
      log.info(
        { queues: kinds, concurrency: startOptions.concurrency ?? options.concurrency },
        'BullMQ workers started',
      );
    },

    async syncSchedules(schedules: readonly Schedule[]) {
      const wanted = new Map(schedules.map((s) => [s.id, s]));
      for (const kind of JOB_KINDS) {
        const q = queue(kind);
        for (const existing of await q.getJobSchedulers(0, -1)) {
          const want = wanted.get(existing.key);
          if (!want || want.kind !== kind) await q.removeJobScheduler(existing.key);
        }
      }
      for (const s of schedules) {
        // Idempotent: the same id with the same pattern keeps its one pending tick.
        await queue(s.kind).upsertJobScheduler(
          s.id,
          { pattern: s.pattern, ...(s.timezone ? { tz: s.timezone } : {}) },
          { name: s.kind, data: idsOnly(s.payload), opts: jobOptions() },
        );
      }
    },

    async idle() {
      // Two quiet looks in a row: a delayed job promoted between two queue reads is not missed.
      let quiet = 0;
      // stop() ends the wait too: its queues are closed.
      while (quiet < 2 && !closed) {
        quiet = (await pendingJobs()) === 0 ? quiet + 1 : 0;
        await new Promise((r) => setTimeout(r, 50));
      }
    },

    async stop() {
      if (closed) return;
      closed = true;
      // Running jobs finish (worker.close waits for them); long waits end with the grace period.
      const grace = setTimeout(
        () => abort.abort(new Error('shutting down')),
        options.shutdownGraceMs ?? 10_000,
      );
      try {
        await Promise.all([...workers.values()].map((w) => w.close()));
      } finally {
        clearTimeout(grace);
      }
      await Promise.all([...queues.values()].map((q) => q.close()));
      workers.clear();
      queues.clear();
      await connections.close();
    },

    async counts() {
      const out: QueueCounts[] = [];
      for (const kind of JOB_KINDS) {
        out.push({
          kind,
          counts: await queue(kind).getJobCounts(
            'waiting',
            'active',
            'delayed',
            'prioritized',
            'completed',
            'failed',
          ),
        });
      }
      return out;
    },

    async failedJobs(limitPerQueue = 20) {
      const out: FailedJobInfo[] = [];
      for (const kind of JOB_KINDS) {
        for (const job of await queue(kind).getFailed(0, limitPerQueue - 1)) {
          if (!job) continue;
          out.push({
            kind,
            id: String(job.id),
            logicalId: job.deduplicationId,
            attempts: job.attemptsMade,
            failedAt: job.finishedOn,
            error: job.failedReason ?? '',
          });
        }
      }
      return out;
    },

    async retryFailed(kinds = JOB_KINDS) {
      let n = 0;
      for (const kind of kinds) {
        const q = queue(kind);
        const count = await q.getFailedCount();
        if (count === 0) continue;
        await q.retryJobs({ state: 'failed', count: 1000 });
        n += count;
      }
      return n;
    },

    async schedulers() {
      const out = [];
      for (const kind of JOB_KINDS) {
        for (const s of await queue(kind).getJobSchedulers(0, -1))
          out.push({ kind, id: s.key, pattern: s.pattern ?? undefined, next: s.next ?? undefined });
      }
      return out;
    },
  };
  return driver;
}
