// The X client and the one place that decides what an X failure means: wait (rate limit),
// try again (5xx, network, time-out), or give up (4xx, malformed answer).
import http from 'node:http';
import https from 'node:https';
import type { ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../logger.ts';
import { RateLimitError, SourceError, sleep } from '../source.ts';

export type XConfig = Config['sources']['x'];

/** Hosts twitter-api-v2 has used as its prefix (1.29 uses api.x.com; older versions api.twitter.com). */
const LIBRARY_PREFIXES = ['https://api.x.com/', 'https://api.twitter.com/'];
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/** A 429 that comes back again and again despite waiting its reset is treated as a long limit. */
const MAX_RATE_LIMIT_WAITS = 5;

type XLibrary = Pick<
  typeof import('twitter-api-v2'),
  'ApiPartialResponseError' | 'ApiRequestError' | 'ApiResponseError' | 'TwitterApi'
>;
let xLibrary: Promise<XLibrary> | undefined;

/** twitter-api-v2 (~20 MB), loaded at the first call to X rather than when the service starts. */
function library(): Promise<XLibrary> {
  return (xLibrary ??= import('twitter-api-v2').then(
    ({ ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApi }) => ({
      ApiPartialResponseError,
      ApiRequestError,
      ApiResponseError,
      TwitterApi,
    }),
  ));
}

export async function createXClient(config: XConfig): Promise<TwitterApi> {
  if (!config.bearerToken) throw new SourceError('X is not configured: set sources.x.bearerToken', false);
  const { TwitterApi } = await library();
  const base = config.baseUrl.replace(/\/+$/, '') + '/';
  // The library has no base-URL option, so every request URL is rewritten before it is built;
  // the per-request socket time-out is set here too because the v2 helpers do not expose it.
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      for (const prefix of LIBRARY_PREFIXES) {
        if (params.url.startsWith(prefix)) {
          params.url = base + params.url.slice(prefix.length);
          break;
        }
      }
      params.timeout = config.timeoutMs;
    },
  };
  // The library always calls https.request: an http.Agent is what lets it speak plain http.
  const httpAgent = base.startsWith('http:')
    ? new http.Agent({ keepAlive: true })
    : new https.Agent({ keepAlive: true });
  return new TwitterApi(config.bearerToken, { plugins: [plugin], httpAgent });
}

export interface CallOptions {
  config: XConfig;
  signal?: AbortSignal;
  log?: Logger;
  /** Short description for messages, e.g. "mentions of @alice page 3". */
  what: string;
}

class DeadlineError extends Error {}

/** A 4xx other than 429: asking again will not help, but callers may react to the status. */
export class XRefusedError extends SourceError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, false);
  }
}

/** Runs `fn` once, failing after `timeoutMs` even if the answer trickles in, or when `signal` aborts. */
async function withDeadline<T>(fn: () => Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const running = fn();
  // The losing promise must not become an unhandled rejection.
  running.catch(() => undefined);
  try {
    return await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError(`no answer within ${timeoutMs} ms`)), timeoutMs);
        onAbort = () => reject(signal?.reason ?? new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function backoff(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** The API's own words (problem title/detail, or the first invalid-parameter message). */
export function describeProblem(data: unknown): string {
  if (!data || typeof data !== 'object') return typeof data === 'string' ? data.slice(0, 200) : '';
  const d = data as { title?: unknown; detail?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (typeof d.title === 'string') parts.push(d.title);
  if (typeof d.detail === 'string' && d.detail !== d.title) parts.push(d.detail);
  if (Array.isArray(d.errors)) {
    for (const e of d.errors.slice(0, 3)) {
      if (e && typeof e === 'object') {
        const m =
          (e as { message?: unknown; detail?: unknown }).message ?? (e as { detail?: unknown }).detail;
        if (typeof m === 'string') parts.push(m);
      }
    }
  }
  return parts.join(': ');
}

/** Belt and braces: whatever a library puts in a message, the token never leaves this module. */
function scrub(message: string, config: XConfig): string {
  return config.bearerToken ? message.split(config.bearerToken).join('[redacted]') : message;
}

type Verdict =
  | { kind: 'transient'; reason: string }
  | { kind: 'fatal'; error: Error }
  | { kind: 'rate-limit'; resetMs: number | undefined };

function judge(err: unknown, opts: CallOptions, lib: XLibrary): Verdict {
  const { config, what } = opts;
  const { ApiPartialResponseError, ApiRequestError, ApiResponseError } = lib;
  if (err instanceof ApiResponseError) {
    if (err.rateLimitError)
      return { kind: 'rate-limit', resetMs: err.rateLimit?.reset ? err.rateLimit.reset * 1000 : undefined };
    const detail = describeProblem(err.data);
    if (err.code >= 500)
      return { kind: 'transient', reason: `HTTP ${err.code}${detail ? ` (${detail})` : ''}` };
    return {
      kind: 'fatal',
      error: new XRefusedError(
        scrub(`X refused ${what}: HTTP ${err.code}${detail ? ` ${detail}` : ''}`, config),
        err.code,
      ),
    };
  }
  if (err instanceof ApiPartialResponseError) {
    if (err.responseError instanceof SyntaxError) {
      // A 200 whose JSON is cut short is a transport failure like a 5xx: asking again usually cures it.
      return {
        kind: 'transient',
        reason: `malformed answer from X: invalid JSON (${err.responseError.message})`,
      };
    }
    return { kind: 'transient', reason: 'connection closed mid-answer' };
  }
  if (err instanceof ApiRequestError) {
    return { kind: 'transient', reason: `network error: ${err.requestError?.message ?? err.message}` };
  }
  if (err instanceof DeadlineError) return { kind: 'transient', reason: `timed out: ${err.message}` };
  if (err instanceof SourceError || err instanceof RateLimitError) return { kind: 'fatal', error: err };
  const message = err instanceof Error ? err.message : String(err);
  return {
    kind: 'fatal',
    error: new SourceError(scrub(`unexpected failure calling X for ${what}: ${message}`, config), true),
  };
}

/**
 * Calls X until it answers usefully. A 429 whose reset is close enough is waited out (the same
 * request is sent again, so nothing is skipped); one further away becomes a RateLimitError.
 */
export async function callX<T>(fn: () => Promise<T>, opts: CallOptions): Promise<T> {
  const { config, signal, log } = opts;
  let failures = 0;
  let rateWaits = 0;
  for (;;) {
    try {
      return await withDeadline(fn, config.timeoutMs, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      const verdict = judge(err, opts, await library());
      if (verdict.kind === 'fatal') throw verdict.error;
      if (verdict.kind === 'rate-limit') {
        rateWaits++;
        // Without a reset header, assume a full 15-minute window, as X's limits use.
        const resetMs = verdict.resetMs ?? Date.now() + 15 * 60_000;
        await waitForReset(resetMs, rateWaits > MAX_RATE_LIMIT_WAITS ? -1 : config.maxRateLimitWaitMs, opts);
        continue;
      }
      if (failures >= config.maxRetries) {
        throw new SourceError(
          scrub(`X failed for ${opts.what} after ${failures + 1} attempts: ${verdict.reason}`, config),
          true,
        );
      }
      const delay = backoff(failures++);
      log?.warn(
        { what: opts.what, attempt: failures, delayMs: delay, reason: verdict.reason },
        'x: transient failure, retrying',
      );
      await sleep(delay, signal);
    }
  }
}

/** Sleeps until `resetMs` if that is within `maxWaitMs`, else throws RateLimitError (the poll resumes later). */
export async function waitForReset(resetMs: number, maxWaitMs: number, opts: CallOptions): Promise<void> {
  // The reset is whole seconds; a little slack avoids knocking at the door a moment too early.
  const untilReset = Math.max(0, resetMs - Date.now());
  const waitMs = untilReset + 250;
  if (maxWaitMs < 0 || untilReset > maxWaitMs) {
    throw new RateLimitError(
      `X rate limit reached for ${opts.what}; resets at ${new Date(resetMs).toISOString()}`,
      resetMs,
    );
  }
  opts.log?.info({ what: opts.what, waitMs }, 'x: rate limited, waiting for the window to reset');
  await sleep(waitMs, opts.signal);
}
