// Pagination and rate limiting of the fake X API (see x-api.ts): newest-first pages with
// since_id / until_id and an opaque next_token, and the per-endpoint x-rate-limit-* window.
import type { StoredTweet, XStore } from './x-api-model.ts';
import { badParam } from './x-api-problems.ts';

// Opaque to clients, like X's; it only says "continue below this id".
function encodeToken(after: bigint): string {
  return Buffer.from(`v1:${after.toString(36)}`).toString('base64url');
}

function decodeToken(token: string): bigint | undefined {
  const m = Buffer.from(token, 'base64url')
    .toString()
    .match(/^v1:([0-9a-z]+)$/);
  if (!m?.[1]) return undefined;
  return [...m[1]].reduce((acc, ch) => acc * 36n + BigInt(parseInt(ch, 36)), 0n);
}

/** Index of the first post (newest first list) whose id is < `id`. */
function firstOlderThan(list: StoredTweet[], id: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as StoredTweet).idBig < id) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first post whose id is <= `id` (the end of a since_id range). */
function firstNotNewerThan(list: StoredTweet[], id: bigint): number {
  return firstOlderThan(list, id + 1n);
}

/** One page of a newest-first list, X style: since_id/until_id exclusive, opaque next_token. */
export function page(
  store: XStore,
  list: StoredTweet[],
  query: URLSearchParams,
  tokenParam: string[],
  maxDefault: number,
): { status: number; body: unknown } {
  const max = Number(query.get('max_results') ?? maxDefault);
  let upper: bigint | undefined = query.has('until_id') ? BigInt(query.get('until_id') ?? '0') : undefined;
  for (const name of tokenParam) {
    const token = query.get(name);
    if (token === null) continue;
    const after = decodeToken(token);
    if (after === undefined)
      return {
        status: 400,
        body: badParam(name, token, `The \`${name}\` query parameter value [${token}] is not valid`),
      };
    upper = upper === undefined || after < upper ? after : upper;
  }
  const since = query.has('since_id') ? BigInt(query.get('since_id') ?? '0') : undefined;
  const start = upper === undefined ? 0 : firstOlderThan(list, upper);
  const end = since === undefined ? list.length : firstNotNewerThan(list, since);
  const slice = list.slice(start, Math.min(end, start + max));
  const body = store.withIncludes(slice, query);
  const meta: Record<string, unknown> = { result_count: slice.length };
  const first = slice[0];
  const last = slice[slice.length - 1];
  if (first && last) {
    meta.newest_id = first.id;
    meta.oldest_id = last.id;
    if (start + max < end) meta.next_token = encodeToken(last.idBig);
  }
  body.meta = meta;
  return { status: 200, body };
}

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Rate-limit headers on every answer, as X sends them; a spent window answers 429 by itself. */
  rateHeaders(
    bucket: string,
    spend: boolean,
  ): { headers: Record<string, string>; exhausted: boolean; reset: number };
  /** The headers of an injected 429: nothing left, reset `resetInSeconds` from now. */
  spentHeaders(resetInSeconds: number): Record<string, string>;
}

export function createRateLimiter(window: RateWindow): RateLimiter {
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  return {
    rateHeaders(bucket, spend) {
      const now = Date.now();
      let b = buckets.get(bucket);
      if (!b || b.resetAt <= now) {
        b = { remaining: window.limit, resetAt: now + window.windowMs };
        buckets.set(bucket, b);
      }
      const exhausted = b.remaining <= 0;
      if (spend && !exhausted) b.remaining--;
      const reset = Math.ceil(b.resetAt / 1000);
      return {
        headers: {
          'x-rate-limit-limit': String(window.limit),
          'x-rate-limit-remaining': String(b.remaining),
          'x-rate-limit-reset': String(reset),
        },
        exhausted,
        reset,
      };
    },
    spentHeaders(resetInSeconds) {
      const reset = Math.floor(Date.now() / 1000) + resetInSeconds;
      return {
        'x-rate-limit-limit': String(window.limit),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      };
    },
  };
}
