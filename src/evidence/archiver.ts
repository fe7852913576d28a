import type { Logger } from '../logger.ts';
import type { Config } from '../config/schema.ts';
import type { WatchesRepo } from '../db/repositories/watches-repo.ts';
import { LEVELS, type Level } from '../scoring/index.ts';
import { sleep } from '../sources/source.ts';
import type { ArchiveRepo, ArchiveRow, ArchiveWork, WorkScope } from './archive-repo.ts';
import { WaybackTransportError, type WaybackClient } from './wayback.ts';

// Archiving to the Wayback Machine. Each pass: ask the status of submitted captures that are due,
// then submit pending posts as fast as the global rate allows. Everything lives in the archive
// rows, so a crash or restart finds the work again (a submitted job is polled by whoever runs next).

export interface ArchiverDeps {
  config: Readonly<Config>;
  log: Logger;
  watches: WatchesRepo;
  archives: ArchiveRepo;
  wayback: WaybackClient;
  now?: () => number;
}

export interface ArchiveRunOptions extends WorkScope {
  /** How long to keep working (waiting for the rate and pending captures). 0: one pass. */
  waitMs?: number;
  signal?: AbortSignal;
}

export interface ArchiveRunSummary {
  enrolled: number;
  submitted: number;
  archived: number;
  failed: number;
  retried: number;
  /** Rows still pending or submitted in scope, and when the next one is due. */
  remaining: number;
  nextDueAt?: number;
}

// Codes after which submitting the same URL again cannot succeed: shown as they are.
const FINAL_CODES: Record<string, 'blocked' | 'not_found' | 'no_access' | 'failed'> = {
  blocked: 'blocked',
  'blocked-url': 'blocked',
  'not-found': 'not_found',
  'no-access': 'no_access',
  unauthorized: 'no_access',
  'ftp-access-denied': 'no_access',
  'invalid-url-syntax': 'failed',
  'method-not-allowed': 'failed',
  'filesize-limit': 'failed',
  'max-size-limit': 'failed',
};
// Codes that speak of our own rate or account: everybody waits, the post's attempt is not counted.
const SLOW_DOWN_CODES = new Set([
  'user-session-limit',
  'http-429',
  'blocked-client-ip',
  'bandwidth-limit-exceeded',
]);

/** Levels at or above the watch's archive threshold (the watch's own, else the global one). */
export function archiveLevels(config: Readonly<Config>, watchMin: Level | undefined): Level[] {
  const min = watchMin ?? config.archive.minLevel;
  return LEVELS.filter((l) => l !== 'none' && LEVELS.indexOf(l) >= LEVELS.indexOf(min));
}

export function createArchiver(deps: ArchiverDeps) {
  const cfg = deps.config.archive.wayback;
  const now = deps.now ?? Date.now;
  // A claimed row is leased for this long: a worker that dies mid-submit frees it afterwards.
  const leaseMs = Math.max(cfg.timeoutMs * 2, 60_000);

  async function enroll(scope: WorkScope): Promise<number> {
    const t = now();
    if (scope.postIds) return deps.archives.enrollPosts(scope.postIds, 'auto', t);
    const watches = scope.watchId
      ? [await deps.watches.get(scope.watchId)].filter((w) => w !== undefined)
      : await deps.watches.listActive();
    let n = 0;
    for (const w of watches)
      n += await deps.archives.enrollByLevel(
        w.id,
        archiveLevels(deps.config, w.definition.archiveMinLevel),
        t,
      );
    return n;
  }

  function retryDelay(attempts: number): number {
    return Math.min(cfg.retryDelayMs * 2 ** Math.max(0, attempts - 1), 24 * 3_600_000);
  }

  /** A refusal or error for this row: final, slow-down, looked up, or retried. */
  async function handleError(
    row: ArchiveWork,
    statusExt: string,
    message: string,
    s: ArchiveRunSummary,
    signal?: AbortSignal,
  ): Promise<void> {
    const t = now();
    const log = deps.log.child({ watch: row.watchId, post: row.postId });
    if (statusExt === 'too-many-daily-captures') {
      // The URL was captured many times today: one of those captures is our evidence.
      let snap;
      try {
        snap = await deps.wayback.lookup(row.url, signal);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'wayback: availability lookup failed');
      }
      if (snap) {
        await deps.archives.markArchived(row, {
          now: now(),
          captureUrl: snap.url,
          timestamp: snap.timestamp,
          via: 'availability',
          statusExt,
        });
        s.archived++;
        return;
      }
      return retry(
        row,
        { error: 'too many captures of this URL today and none found by the availability API', statusExt },
        s,
      );
    }
    if (SLOW_DOWN_CODES.has(statusExt)) {
      const until = t + cfg.rateWindowMs;
      await deps.archives.pause(until, statusExt);
      await deps.archives.markRetry(row.postId, {
        now: t,
        nextAt: until,
        error: `Wayback asked us to slow down (${statusExt})`,
        statusExt,
        refund: true,
      });
      log.info({ statusExt, until: new Date(until).toISOString() }, 'wayback: slowing down');
      s.retried++;
      return;
    }
    const final = FINAL_CODES[statusExt];
    if (final) {
      await deps.archives.markFinalFailure(row, {
        now: t,
        status: final,
        statusExt,
        error: message || statusExt,
      });
      log.info({ statusExt }, 'wayback: capture refused for good');
      s.failed++;
      return;
    }
    await retry(row, { error: message || statusExt, statusExt }, s);
  }

  async function retry(
    row: ArchiveRow,
    o: { error: string; statusExt?: string },
    s: ArchiveRunSummary,
  ): Promise<void> {
    const t = now();
    if (row.attempts >= cfg.maxAttempts) {
      await deps.archives.markFinalFailure(row, {
        now: t,
        status: 'failed',
        statusExt: o.statusExt ?? 'gave-up',
        error: `gave up after ${row.attempts} attempts: ${o.error}`,
      });
      s.failed++;
      return;
    }
    await deps.archives.markRetry(row.postId, {
      now: t,
      nextAt: t + retryDelay(row.attempts),
      error: o.error,
      statusExt: o.statusExt,
    });
    s.retried++;
  }

  async function pollStatuses(scope: WorkScope, s: ArchiveRunSummary, signal?: AbortSignal): Promise<void> {
    for (const row of await deps.archives.submittedDue(scope, now())) {
      if (signal?.aborted) return;
      const log = deps.log.child({ watch: row.watchId, post: row.postId });
      const timedOut = now() - (row.submittedAt ?? 0) > cfg.pendingTimeoutMs;
      try {
        const st = await deps.wayback.status(row.jobId ?? '', signal);
        if (st.kind === 'success') {
          await deps.archives.markArchived(row, {
            now: now(),
            captureUrl: deps.wayback.captureUrl(st.timestamp, st.originalUrl),
            timestamp: st.timestamp,
            via: 'spn2',
          });
          s.archived++;
          log.info('wayback: archived');
        } else if (st.kind === 'error') {
          await handleError(row, st.statusExt, st.message, s, signal);
        } else if (st.kind === 'unknown') {
          await retry(row, { error: 'Wayback no longer knows this capture job' }, s);
        } else if (timedOut) {
          await retry(
            row,
            { error: `capture still pending after ${Math.round(cfg.pendingTimeoutMs / 1000)} s` },
            s,
          );
        } else {
          await deps.archives.markPolled(row.postId, now(), now() + cfg.statusPollMs);
        }
      } catch (err) {
        if (!(err instanceof WaybackTransportError)) throw err;
        if (timedOut) await retry(row, { error: err.message }, s);
        else await deps.archives.markPolled(row.postId, now(), now() + cfg.statusPollMs);
      }
    }
  }

  /** Submits while the rate allows. Returns when the rate (with the time it frees up) or the due work runs out. */
  async function submitDue(
    scope: WorkScope,
    s: ArchiveRunSummary,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      const claim = await deps.archives.claimNext(scope, {
        now: now(),
        rate: cfg.ratePerMinute,
        windowMs: cfg.rateWindowMs,
        leaseMs,
      });
      if (claim.kind === 'rate') return claim.until;
      if (claim.kind === 'none') return undefined;
      const row = claim.work;
      const log = deps.log.child({ watch: row.watchId, post: row.postId });
      try {
        const r = await deps.wayback.submit(row.url, signal);
        s.submitted++;
        if (r.kind === 'job') {
          await deps.archives.markSubmitted(row.postId, r.jobId, now(), now() + cfg.statusPollMs);
          log.debug({ jobId: r.jobId }, 'wayback: submitted');
        } else if (r.kind === 'slow-down') {
          const until = now() + (r.retryAfterMs ?? cfg.rateWindowMs);
          await deps.archives.pause(until, r.statusExt);
          await deps.archives.markRetry(row.postId, {
            now: now(),
            nextAt: until,
            error: `Wayback asked us to slow down (${r.statusExt})`,
            statusExt: r.statusExt,
            refund: true,
          });
          s.retried++;
          log.info({ statusExt: r.statusExt, until: new Date(until).toISOString() }, 'wayback: slowing down');
          return until;
        } else {
          await handleError(row, r.statusExt, r.message, s, signal);
        }
      } catch (err) {
        if (!(err instanceof WaybackTransportError)) throw err;
        log.warn({ err: err.message }, 'wayback: submission failed');
        await retry(row, { error: err.message }, s);
      }
    }
  }

  return {
    /** Finds due work in the database and does it; keeps going up to `waitMs` for the rate and pending captures. */
    async run(options: ArchiveRunOptions = {}): Promise<ArchiveRunSummary> {
      const scope: WorkScope = { watchId: options.watchId, postIds: options.postIds };
      const s: ArchiveRunSummary = {
        enrolled: await enroll(scope),
        submitted: 0,
        archived: 0,
        failed: 0,
        retried: 0,
        remaining: 0,
      };
      const deadline = now() + (options.waitMs ?? 0);
      for (;;) {
        await pollStatuses(scope, s, options.signal);
        const rateUntil = await submitDue(scope, s, options.signal);
        const next = await deps.archives.nextDue(scope);
        const counts = await deps.archives.counts(scope);
        s.remaining = (counts.pending ?? 0) + (counts.submitted ?? 0);
        s.nextDueAt = next;
        if (next === undefined || options.signal?.aborted) return s;
        // A due row is held back by the rate (or a pause): wake when it frees up; else at the next due row.
        const wake = Math.max(
          next <= now()
            ? (rateUntil ?? now() + 50)
            : rateUntil !== undefined
              ? Math.min(next, rateUntil)
              : next,
          now() + 10,
        );
        if (wake > deadline) return s;
        try {
          await sleep(wake - now(), options.signal);
        } catch {
          return s;
        }
      }
    },
  };
}

export type Archiver = ReturnType<typeof createArchiver>;
