import type { Config } from '../config/schema.ts';
import { parseRetryAfter } from '../sources/source.ts';

// The Save Page Now 2 client: one request per method, every documented answer turned into data.
// Deciding what an answer means for the stored archive row is the archiver's job.

export type WaybackConfig = Config['archive']['wayback'];

export type SubmitResult =
  | { kind: 'job'; jobId: string }
  /** HTTP 429 or `user-session-limit`: our own rate; try again after `retryAfterMs` (when known). */
  | { kind: 'slow-down'; statusExt: string; retryAfterMs?: number }
  /** `status: error` (often with HTTP 200) or another refusal. */
  | { kind: 'error'; statusExt: string; message: string };

export type StatusResult =
  | { kind: 'pending' }
  | { kind: 'success'; timestamp: string; originalUrl: string }
  | { kind: 'error'; statusExt: string; message: string }
  /** The job is unknown (status is kept about an hour): submit again. */
  | { kind: 'unknown' };

export interface Snapshot {
  url: string;
  timestamp: string;
}

/** No answer we could read (network error, time-out, 5xx, not JSON): retried later. */
export class WaybackTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WaybackTransportError';
  }
}

export interface WaybackClient {
  submit(url: string, signal?: AbortSignal): Promise<SubmitResult>;
  status(jobId: string, signal?: AbortSignal): Promise<StatusResult>;
  /** The closest existing capture of `url` (availability API), used after too-many-daily-captures. */
  lookup(url: string, signal?: AbortSignal): Promise<Snapshot | undefined>;
  captureUrl(timestamp: string, originalUrl: string): string;
}

export function createWaybackClient(
  config: WaybackConfig,
  userAgent = 'Vigie (+self-hosted evidence archiver)',
): WaybackClient {
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent };
  if (config.accessKey && config.secretKey)
    headers.authorization = `LOW ${config.accessKey}:${config.secretKey}`;

  async function request(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        ...init,
        headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
        signal: combined,
        redirect: 'follow',
      });
      text = await res.text();
    } catch (err) {
      const why = timeout.aborted
        ? `no answer within ${config.timeoutMs} ms`
        : err instanceof Error
          ? err.message
          : String(err);
      throw new WaybackTransportError(`Wayback request failed: ${why}`, { cause: err });
    }
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
  }

  return {
    async submit(url, signal) {
      const form = new URLSearchParams({ url, capture_all: '1', skip_first_archive: '1' });
      const r = await request(
        `${base}/save`,
        { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        signal,
      );
      if (r.status === 429)
        return { kind: 'slow-down', statusExt: 'http-429', retryAfterMs: retryAfterMs(r.retryAfter) };
      const body = asRecord(r.body);
      if (r.status >= 500 || (r.status !== 200 && !body))
        throw new WaybackTransportError(`Wayback answered HTTP ${r.status} to a save request`);
      if (body && typeof body.job_id === 'string' && body.job_id.length > 0)
        return { kind: 'job', jobId: body.job_id };
      const statusExt =
        normaliseExt(body?.status_ext) ?? (r.status === 200 ? 'unknown-answer' : `http-${r.status}`);
      if (statusExt === 'user-session-limit')
        return { kind: 'slow-down', statusExt, retryAfterMs: retryAfterMs(r.retryAfter) };
      return {
        kind: 'error',
        statusExt,
        message: typeof body?.message === 'string' ? body.message.slice(0, 500) : '',
      };
    },

    async status(jobId, signal) {
      const r = await request(`${base}/save/status/${encodeURIComponent(jobId)}`, { method: 'GET' }, signal);
      if (r.status === 404) return { kind: 'unknown' };
      if (r.status === 429) throw new WaybackTransportError('Wayback answered HTTP 429 to a status request');
      const body = asRecord(r.body);
      if (r.status !== 200 || !body)
        throw new WaybackTransportError(`Wayback answered HTTP ${r.status} to a status request`);
      if (body.status === 'pending') return { kind: 'pending' };
      if (
        body.status === 'success' &&
        typeof body.timestamp === 'string' &&
        typeof body.original_url === 'string'
      ) {
        return { kind: 'success', timestamp: body.timestamp, originalUrl: body.original_url };
      }
      if (body.status === 'error') {
        const statusExt = normaliseExt(body.status_ext);
        if (!statusExt && /not found|unknown job/i.test(String(body.message ?? body.exception ?? '')))
          return { kind: 'unknown' };
        return {
          kind: 'error',
          statusExt: statusExt ?? 'unknown-error',
          message: typeof body.message === 'string' ? body.message.slice(0, 500) : '',
        };
      }
      throw new WaybackTransportError('Wayback status answer without a known status');
    },

    async lookup(url, signal) {
      const r = await request(
        `${config.availabilityUrl}?url=${encodeURIComponent(url)}`,
        { method: 'GET' },
        signal,
      );
      if (r.status !== 200) throw new WaybackTransportError(`the availability API answered HTTP ${r.status}`);
      const closest = asRecord(asRecord(asRecord(r.body)?.archived_snapshots)?.closest);
      if (
        !closest ||
        closest.available !== true ||
        typeof closest.url !== 'string' ||
        typeof closest.timestamp !== 'string'
      )
        return undefined;
      return { url: closest.url, timestamp: closest.timestamp };
    },

    captureUrl(timestamp, originalUrl) {
      return `${base}/web/${timestamp}/${originalUrl}`;
    },
  };
}

/** `error:blocked-url` → `blocked-url`. */
function normaliseExt(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  return v.replace(/^error:/, '').slice(0, 100);
}

/** Retry-After as a wait in ms (the shared parser gives a time). */
function retryAfterMs(header: string | null): number | undefined {
  const now = Date.now();
  const at = parseRetryAfter(header, now);
  return at === null ? undefined : Math.max(0, at - now);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
