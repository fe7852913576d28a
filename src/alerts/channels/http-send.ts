import type { NetworkPolicy } from '../../net/address-policy.ts';
import { BlockedUrlError, safeFetch } from '../../net/safe-fetch.ts';
import { ChannelError, type ChannelHooks } from './channel.ts';

// One HTTP request to a chat or push service, with the retries every channel shares: 5xx, 429
// and network errors are tried again (429 after the wait the server asks for), other 4xx are
// final. Every URL goes through safe-fetch.

export interface HttpPolicy {
  network: NetworkPolicy;
  timeoutMs: number;
  maxTries: number;
  retryDelayMs: number;
  maxRateLimitWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpCall {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  /** The server's own idempotency (Matrix txnId, webhook delivery id): an unknown outcome may be retried. */
  idempotent: boolean;
  /** Strings never to appear in an error message (a token in the URL path). */
  secrets?: readonly string[];
  /** The wait a rate-limited answer asks for, in ms (from the body or headers, per API). */
  retryAfterMs?(res: Response, body: string): number | undefined;
  /** The server's explanation of a refusal, short (e.g. Telegram's `description`). */
  describeError?(body: string): string | undefined;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

// Failures where the request provably never reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const MAX_ANSWER_CHARS = 64_000;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function scrub(message: string, secrets: readonly string[] = []): string {
  let out = message;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out.slice(0, 300);
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterHeader(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code;
}

export async function sendHttp(
  call: HttpCall,
  policy: HttpPolicy,
  hooks: ChannelHooks = {},
): Promise<HttpAnswer> {
  const sleep = policy.sleep ?? defaultSleep;
  let committed = false;
  let last: ChannelError | undefined;
  for (let attempt = 1; attempt <= policy.maxTries; attempt++) {
    if (attempt > 1)
      await sleep(Math.min(policy.retryDelayMs * 2 ** (attempt - 2), policy.maxRateLimitWaitMs));
    let res: Response;
    let body: string;
    // Before the first request leaves, and waited for: a failure here means nothing was sent.
    if (!committed) {
      await hooks.beforeCommit?.();
      committed = true;
    }
    try {
      res = await safeFetch(call.url, {
        network: policy.network,
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: AbortSignal.timeout(policy.timeoutMs),
        // A chat service does not redirect a send: a redirect is refused rather than followed.
        maxRedirects: 0,
      });
      body = (await res.text()).slice(0, MAX_ANSWER_CHARS);
    } catch (err) {
      if (err instanceof BlockedUrlError)
        throw new ChannelError(scrub(err.message, call.secrets), false, true, true);
      const code = errorCode(err);
      const message = scrub(`${code ?? 'network error'}: ${(err as Error).message}`, call.secrets);
      if (code && NOT_SENT.has(code)) {
        last = new ChannelError(message, false, true, false);
        continue;
      }
      // The request may have reached the server: only an idempotent call may be tried again.
      if (!call.idempotent) throw new ChannelError(message, true, false, false);
      last = new ChannelError(message, true, true, false);
      continue;
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, body };
    const why = call.describeError?.(body);
    const message = scrub(`HTTP ${res.status}${why ? `: ${why}` : ''}`, call.secrets);
    if (res.status === 429) {
      const wait = call.retryAfterMs?.(res, body) ?? retryAfterHeader(res);
      if (wait !== undefined && wait > policy.maxRateLimitWaitMs)
        throw new ChannelError(message, false, true, false, wait);
      if (wait !== undefined && attempt < policy.maxTries) await sleep(wait);
      last = new ChannelError(message, false, true, false, wait);
      continue;
    }
    if (res.status >= 500 || res.status === 408) {
      last = new ChannelError(message, false, true, false);
      continue;
    }
    throw new ChannelError(message, false, true, true);
  }
  throw last ?? new ChannelError('not sent', false, true, false);
}
