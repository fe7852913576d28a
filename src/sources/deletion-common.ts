import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { CallContext } from './social-http.ts';
import { RateLimitError } from './source.ts';

// What the per-platform deletion checks share: the post they are given, the verdict they give
// back, and one way of calling an API that never waits and never retries — an unclear answer is
// simply left for the next run of the deletion watch.

/** An archived post due for a check (as `ArchiveRepo.toRecheck` returns it). */
export interface DuePost {
  postId: number;
  watchId: string;
  platform: string;
  externalId: string;
  url: string;
}

/**
 * `deleted`: a clear answer that the post is gone upstream; `present`: a clear answer that it is
 * still there. A post without a verdict is unclear and is left for the next run.
 */
export type Verdict = { kind: 'deleted'; detail: string } | { kind: 'present' };

export interface PlatformCheckContext {
  config: Readonly<Config>;
  log: Logger;
  signal: AbortSignal;
}

/**
 * The knobs of a deletion-check call: the watch's own time-out, no retry (5xx, time-out: next run)
 * and no waiting on a rate limit (429: next run; requestJson throws RateLimitError at once).
 */
export function checkCallContext(
  ctx: PlatformCheckContext,
  source: string,
  resetFromHeaders?: (h: Headers) => number | undefined,
): CallContext {
  return {
    knobs: { timeoutMs: ctx.config.archive.deletionCheck.timeoutMs, maxRetries: 0, maxRateLimitWaitMs: -1 },
    signal: ctx.signal,
    source,
    resetFromHeaders,
  };
}

/** The same knobs applied over a source's own config (Reddit's OAuth client takes its knobs from there). */
export function checkKnobs<T extends { timeoutMs: number; maxRetries: number; maxRateLimitWaitMs: number }>(
  sourceConfig: T,
  config: Readonly<Config>,
): T {
  return {
    ...sourceConfig,
    timeoutMs: config.archive.deletionCheck.timeoutMs,
    maxRetries: 0,
    maxRateLimitWaitMs: -1,
  };
}

/**
 * Logs a failed call at warn — counts and the upstream's error, never post text — and says
 * whether the platform should be left alone for the rest of the run (rate limit).
 */
export function warnUnclear(
  ctx: PlatformCheckContext,
  platform: string,
  what: string,
  err: unknown,
  posts: number,
): { rateLimited: boolean } {
  if (err instanceof RateLimitError) {
    ctx.log.warn(
      { platform, what, posts, retryAt: new Date(err.retryAt).toISOString() },
      `deletion check: ${platform} rate limit reached, the remaining posts wait for the next run`,
    );
    return { rateLimited: true };
  }
  ctx.log.warn(
    { platform, what, posts, err: err instanceof Error ? err.message : String(err) },
    `deletion check: ${platform} answer unclear, left for the next run`,
  );
  return { rateLimited: false };
}

/** Groups posts by a key (the same upstream post can be stored once per watch). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
