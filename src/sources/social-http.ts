// The HTTP JSON calls of the Bluesky, Mastodon, Reddit and Hacker News adapters, and the one
// place that decides what a failure means: wait (rate limit), try again (5xx, network, time-out),
// or give up (other 4xx, malformed answer). Messages never carry tokens.
import type { Logger } from '../logger.ts';
import { parseRetryAfter, RateLimitError, SourceError, sleep } from './source.ts';
import type { NetworkPolicy } from '../net/address-policy.ts';
import { BlockedUrlError, safeFetch } from '../net/safe-fetch.ts';

export interface HttpKnobs {
  timeoutMs: number;
  maxRetries: number;
  maxRateLimitWaitMs: number;
}

export interface CallContext {
  knobs: HttpKnobs;
  signal: AbortSignal;
  log?: Logger;
  /** "bluesky", "reddit"…: the name in messages and logs. */
  source: string;
  /** Values to scrub from any message (tokens, passwords). */
  secrets?: readonly (string | undefined)[];
  /** First retry delay, doubled each time (tests shorten it). */
  backoffMs?: number;
  /** When the upstream's rate-limit window resets (epoch ms), from its own headers. */
  resetFromHeaders?: (headers: Headers) => number | undefined;
  /** Set when the URL comes from a post rather than the configuration: the network policy applies. */
  network?: NetworkPolicy;
}

export interface JsonRequest {
  url: string;
  what: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/** A refusal (4xx other than 429): asking again will not help, but the caller may react (re-login). */
export class HttpRefusedError extends SourceError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message, false);
    this.name = 'HttpRefusedError';
  }
}

class Transient extends Error {}

/** Retry-After as epoch ms: delta-seconds or an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now) ?? undefined;
}

export function scrub(message: string, secrets: readonly (string | undefined)[] = []): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

/** The upstream's own words from an error body: `{error, message}` (XRPC, Mastodon, Reddit). */
export function describeBody(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts = [b.error, b.message, b.error_description].filter((v): v is string => typeof v === 'string');
    if (parts.length) return parts.join(': ').slice(0, 200);
  }
  return text.replace(/\s+/g, ' ').slice(0, 120);
}

const MAX_RATE_LIMIT_WAITS = 5;

/**
 * Sends the request until it gets a useful answer. A 429 whose reset is close enough is waited
 * out and the same request sent again; a further one becomes a RateLimitError.
 */
export async function requestJson(req: JsonRequest, ctx: CallContext): Promise<JsonAnswer> {
  const backoffMs = ctx.backoffMs ?? 500;
  let failures = 0;
  let rateWaits = 0;
  const fail = (message: string) => scrub(`${ctx.source}: ${message}`, ctx.secrets);
  for (;;) {
    ctx.signal.throwIfAborted();
    const timeout = AbortSignal.timeout(ctx.knobs.timeoutMs);
    let res: Response;
    let text: string;
    try {
      const init = {
        method: req.method ?? 'GET',
        headers: { accept: 'application/json', ...req.headers },
        body: req.body,
        signal: AbortSignal.any([ctx.signal, timeout]),
      };
      res = ctx.network
        ? await safeFetch(req.url, { ...init, network: ctx.network })
        : await fetch(req.url, { ...init, redirect: 'follow' });
      text = await res.text();
      if (res.status >= 500) throw new Transient(`HTTP ${res.status}`);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (err instanceof BlockedUrlError)
        throw new SourceError(fail(`${req.what} refused: ${err.message}`), false);
      const reason =
        err instanceof Transient
          ? err.message
          : timeout.aborted
            ? `timed out after ${ctx.knobs.timeoutMs} ms`
            : `network error: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`;
      if (failures >= ctx.knobs.maxRetries)
        throw new SourceError(fail(`${req.what} failed after ${failures + 1} attempts: ${reason}`), true);
      const delay = Math.round(backoffMs * 2 ** failures * (0.5 + Math.random() / 2));
      failures++;
      ctx.log?.warn(
        { source: ctx.source, what: req.what, attempt: failures, delayMs: delay, reason },
        `${ctx.source}: transient failure, retrying`,
      );
      await sleep(delay, ctx.signal);
      continue;
    }
    let body: unknown = undefined;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) throw new SourceError(fail(`malformed answer for ${req.what}: not JSON`), true);
      }
    }
    if (res.status === 429) {
      rateWaits++;
      const resetAt = ctx.resetFromHeaders?.(res.headers) ?? retryAfterMs(res.headers) ?? Date.now() + 60_000;
      await waitForReset(
        resetAt,
        rateWaits > MAX_RATE_LIMIT_WAITS ? -1 : ctx.knobs.maxRateLimitWaitMs,
        ctx,
        req.what,
      );
      continue;
    }
    if (!res.ok) {
      throw new HttpRefusedError(
        fail(`${req.what} refused: HTTP ${res.status} ${describeBody(body, text)}`),
        res.status,
        body,
      );
    }
    return { status: res.status, body, text, headers: res.headers };
  }
}

/** Sleeps until `resetAt` if that is within `maxWaitMs`, else throws RateLimitError (the poll resumes later). */
export async function waitForReset(
  resetAt: number,
  maxWaitMs: number,
  ctx: CallContext,
  what: string,
): Promise<void> {
  const untilReset = Math.max(0, resetAt - Date.now());
  if (maxWaitMs < 0 || untilReset > maxWaitMs) {
    throw new RateLimitError(
      `${ctx.source} rate limit reached for ${what}; resets at ${new Date(resetAt).toISOString()}`,
      resetAt,
    );
  }
  ctx.log?.info(
    { source: ctx.source, what, waitMs: untilReset },
    `${ctx.source}: rate limited, waiting for the reset`,
  );
  await sleep(untilReset + 100, ctx.signal);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function epochMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}
