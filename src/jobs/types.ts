import type { Logger } from '../logger.ts';

/** Job kinds; each has its own queue in distributed mode. */
export const JOB_KINDS = [
  'poll',
  'score',
  'archive',
  'capture',
  'deletion-check',
  'digest',
  'alert',
  'ledger-timestamp',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * What a job carries: ids only. Handlers read everything else from the database, so a repeated
 * or lost job never duplicates or loses data, and no secret or post text sits in a queue.
 */
export interface JobPayload {
  /** Sub-task of a kind, e.g. poll: `watch` (fan out) or `source`. */
  task?: string;
  watchId?: string;
  sourceId?: number;
  postIds?: number[];
}

export interface EnqueueOptions {
  /** Deterministic id: a job whose id is already queued or running is not added twice. */
  jobId?: string;
  delayMs?: number;
}

export interface JobQueue {
  enqueue(kind: JobKind, payload: JobPayload, options?: EnqueueOptions): Promise<void>;
}

export interface JobContext {
  log: Logger;
  signal: AbortSignal;
  attempt: number;
}

export type JobHandler = (payload: JobPayload, ctx: JobContext) => Promise<void>;
export type JobHandlers = Partial<Record<JobKind, JobHandler>>;

/** A recurring job: the tick only enqueues, with an id per time window so duplicates collapse. */
export interface Schedule {
  id: string;
  pattern: string;
  timezone?: string;
  kind: JobKind;
  payload: JobPayload;
}

export interface JobDriver extends JobQueue {
  readonly name: string;
  /** Starts consuming with these handlers (a web-only process never calls it). */
  start(handlers: JobHandlers, options?: { kinds?: readonly JobKind[]; concurrency?: number }): Promise<void>;
  /** Makes the recurring jobs exactly these (idempotent; removed schedules stop). */
  syncSchedules(schedules: readonly Schedule[]): Promise<void>;
  /** Resolves when nothing is queued or running (tests, `--once` commands). */
  idle(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then releases resources. */
  stop(): Promise<void>;
}

/** The job asked to be tried again later without counting as a failure (rate limits). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** The job failed in a way retrying cannot fix. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Job id for a recurring tick: the same schedule in the same window always gets the same id. */
export function windowJobId(scheduleId: string, at: number, windowMs = 60_000): string {
  return `${scheduleId}@${Math.floor(at / windowMs) * windowMs}`;
}
