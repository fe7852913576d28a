import type { Logger } from '../logger.ts';
import type { WatchConfig } from '../config/schema.ts';

// A post as an adapter read it, before it is stored: its shape is defined with the store that
// keeps it (posts-repo.ts), so that storage needs nothing from the sources.
import type { RawPost } from '../db/repositories/posts-repo.ts';
export type { RawPost };

/** One page of a poll. Pages are stored as they arrive, so a failure later in the poll loses none. */
export interface PollPage {
  posts: RawPost[];
  /**
   * Only on the last page of a complete poll: the new cursor, stored in the same transaction as this
   * page's posts. `undefined` leaves the cursor as it was (e.g. nothing new).
   */
  cursor?: string | null;
  /** Only on the last page: the adapter's memo to keep (ETag, resolved ids…), replacing the old one. */
  state?: Record<string, unknown>;
  /** True on the last page of a complete poll. */
  final?: boolean;
  /** Partial problems in an otherwise good answer (X `errors` with HTTP 200), recorded on the source. */
  warnings?: string[];
}

/** The stored source row an adapter polls. */
export interface SourceRef {
  id: number;
  kind: string;
  target: string;
  cursor: string | null;
  state: Record<string, unknown> | null;
}

export interface PollContext {
  source: SourceRef;
  watch: WatchConfig;
  signal: AbortSignal;
  log: Logger;
}

/** The last page of a complete poll: its posts, the cursor to store with them, and any warnings. */
export function finalPage(posts: RawPost[], cursor: string | null, warnings: readonly string[]): PollPage {
  return { posts, final: true, cursor, ...(warnings.length ? { warnings: [...warnings] } : {}) };
}

/** One integration, one method: yields pages; the last one carries `final: true` and the cursor. */
export interface SourceAdapter {
  readonly kind: string;
  poll(ctx: PollContext): AsyncIterable<PollPage>;
}

/** The upstream asked us to wait: not a failure of the data, retried at `retryAt` (epoch ms). */
export class RateLimitError extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
    this.name = 'RateLimitError';
  }
}

/** An upstream failure, recorded on the source's health. `retryable` says whether trying again may help. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceError';
  }
}

/** Retry-After as epoch ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return now + Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : at;
}

/** Waits `ms` unless the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An account found by a platform's account search. */
export interface FoundAccount {
  id: string;
  handle: string | null;
  name: string | null;
}

/** A source that can search accounts by name (Bluesky searchActors, Mastodon account search). */
export interface AccountSearcher {
  readonly platform: string;
  searchAccounts(query: string, signal: AbortSignal): Promise<FoundAccount[]>;
}

/** Every adapter this configuration can use, by kind. */
export type AdapterRegistry = ReadonlyMap<string, SourceAdapter>;
