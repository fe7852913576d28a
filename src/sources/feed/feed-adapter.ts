import type { Config } from '../../config/schema.ts';
import { BlockedUrlError, safeFetch } from '../../net/safe-fetch.ts';
import { STRICT_NETWORK, type NetworkPolicy } from '../../net/address-policy.ts';
import { FeedParseError, parseFeed, type ParsedFeedItem } from './feed-parse.ts';
import { feedItemKey } from './feed-keys.ts';
import { decodeFeedBytes } from './feed-decode.ts';
import {
  parseRetryAfter,
  RateLimitError,
  SourceError,
  sleep,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from '../source.ts';

// RSS / Atom adapter (Google Alerts and any other feed). One poll = one conditional GET = one final
// page. Cursor: always left undefined. A feed is a sliding window of its latest items, dates are
// publisher-controlled (backdated, reordered, missing), so a "newest seen" cursor would hide items;
// the database dedupes on (platform, externalId) — the key is chosen in feed-keys.ts — and the
// ETag / Last-Modified state spares the download when nothing changed.

export type FeedsConfig = Config['sources']['feeds'];

/** Knobs that are not user configuration (they have safe defaults); tests shorten the waits. */
export interface FeedAdapterTuning {
  /** First retry delay, doubled on each retry. */
  backoffMs?: number;
  /** Longest Retry-After we wait out inside the poll; longer ones end it with RateLimitError. */
  maxRetryAfterMs?: number;
  /** Bodies larger than this are refused: a feed is kilobytes, a huge body is an error or an attack. */
  maxBodyBytes?: number;
}

const DEFAULTS: Required<FeedAdapterTuning> = {
  backoffMs: 1_000,
  maxRetryAfterMs: 60_000,
  maxBodyBytes: 10 * 1024 * 1024,
};

/** What the adapter keeps between polls for conditional GETs. */
interface FeedState {
  etag: string | null;
  lastModified: string | null;
}

function readState(state: Record<string, unknown> | null): FeedState {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { etag: str(state?.['etag']), lastModified: str(state?.['lastModified']) };
}

export { parseRetryAfter };

/** A failure of one attempt that another attempt may cure. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAt: number | null = null,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  return decodeFeedBytes(bytes, contentType);
}

/** Reads the body up to `max` bytes; beyond that the download is cancelled and the poll fails. */
async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new SourceError(`feed body too large: ${declared} bytes (limit ${max})`, false);
  }
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new SourceError(`feed body too large: over ${max} bytes`, false);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

/** Maps a parsed item of the feed at `feedUrl` to a RawPost (keyed as feed-keys.ts says). */
export function itemToRawPost(item: ParsedFeedItem, feedUrl: string): RawPost {
  const externalId = feedItemKey(item, feedUrl);
  const authorId = item.authorName ?? hostOf(item.link);
  return {
    platform: 'web',
    externalId,
    url: item.link,
    author: authorId ? { externalId: authorId, handle: null, name: item.authorName } : null,
    text: [item.title, item.body].filter((s) => s !== '').join('\n'),
    lang: item.lang,
    createdAt: item.publishedAt,
    raw: item.raw,
  };
}

interface Fetched {
  status: 200 | 304;
  body: string;
  finalUrl: string;
  state: FeedState;
}

export function createFeedAdapter(
  config: FeedsConfig,
  tuning: FeedAdapterTuning = {},
  network: NetworkPolicy = STRICT_NETWORK,
): SourceAdapter {
  const opts = { ...DEFAULTS, ...tuning };

  /** One HTTP attempt. Throws TransientError (retry may help), SourceError / RateLimitError (it will not). */
  async function attempt(ctx: PollContext, prev: FeedState): Promise<Fetched> {
    const headers: Record<string, string> = {
      'user-agent': config.userAgent,
      accept:
        'application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1',
    };
    if (prev.etag) headers['if-none-match'] = prev.etag;
    if (prev.lastModified) headers['if-modified-since'] = prev.lastModified;
    // The timeout covers the whole exchange, body included: a server trickling bytes is a hang too.
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    try {
      const res = await safeFetch(ctx.source.target, { headers, signal, network });
      if (res.status === 304) {
        await res.body?.cancel();
        return { status: 304, body: '', finalUrl: res.url, state: prev };
      }
      if (res.status === 429 || res.status === 503) {
        await res.body?.cancel();
        const retryAt = parseRetryAfter(res.headers.get('retry-after'));
        if (retryAt !== null && retryAt - Date.now() > opts.maxRetryAfterMs) {
          throw new RateLimitError(
            `feed rate-limited (HTTP ${res.status}) until ${new Date(retryAt).toISOString()}`,
            retryAt,
          );
        }
        throw new TransientError(`HTTP ${res.status}`, retryAt, res.status);
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        throw new TransientError(`HTTP ${res.status}`, null, res.status);
      }
      if (res.status !== 200) {
        // 404 / 410 / 401 / 403 / other 4xx and odd codes (204, 3xx without Location): asking again will not help.
        await res.body?.cancel();
        throw new SourceError(`feed answered HTTP ${res.status}`, false);
      }
      const bytes = await readCapped(res, opts.maxBodyBytes);
      return {
        status: 200,
        body: decodeBody(bytes, res.headers.get('content-type')),
        finalUrl: res.url || ctx.source.target,
        state: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') },
      };
    } catch (err) {
      if (err instanceof SourceError || err instanceof RateLimitError || err instanceof TransientError)
        throw err;
      if (err instanceof BlockedUrlError)
        throw new SourceError(`feed URL refused: ${err.message}`, false, { cause: err });
      if (ctx.signal.aborted) throw err; // Shutting down: not a failure of the feed.
      if (timeout.aborted)
        throw new TransientError(`timed out after ${config.timeoutMs} ms`, null, null, { cause: err });
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new TransientError(`network error${cause}`, null, null, { cause: err });
    }
  }

  async function fetchWithRetry(ctx: PollContext, prev: FeedState): Promise<Fetched> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(ctx, prev);
      } catch (err) {
        if (!(err instanceof TransientError)) throw err;
        if (retry >= config.maxRetries) {
          if (err.status === 429) {
            throw new RateLimitError(
              'feed rate-limited (HTTP 429)',
              err.retryAt ?? Date.now() + opts.maxRetryAfterMs,
            );
          }
          throw new SourceError(`feed fetch failed after ${retry + 1} attempt(s): ${err.message}`, true, {
            cause: err,
          });
        }
        const wait =
          err.retryAt !== null ? Math.max(0, err.retryAt - Date.now()) : opts.backoffMs * 2 ** retry;
        ctx.log.warn(
          { host: hostOf(ctx.source.target), retry: retry + 1, waitMs: wait, reason: err.message },
          'feed fetch failed, retrying',
        );
        await sleep(wait, ctx.signal);
      }
    }
  }

  return {
    kind: 'feed',
    async *poll(ctx: PollContext): AsyncIterable<PollPage> {
      const prev = readState(ctx.source.state);
      // The feed URL can be a capability (a Google Alerts feed URL is readable by anyone holding
      // it): info logs name the host only.
      const host = hostOf(ctx.source.target);
      const fetched = await fetchWithRetry(ctx, prev);
      if (fetched.status === 304) {
        ctx.log.info({ host, status: 304 }, 'feed unchanged');
        yield { posts: [], state: { ...prev }, final: true };
        return;
      }
      let feed;
      try {
        feed = parseFeed(fetched.body, { baseUrl: fetched.finalUrl });
      } catch (err) {
        if (err instanceof FeedParseError) {
          throw new SourceError(`feed is not valid RSS/Atom: ${err.message}`, false, { cause: err });
        }
        throw err;
      }
      const posts: RawPost[] = [];
      const warnings: string[] = [];
      const seen = new Map<string, number>();
      feed.items.forEach((item, index) => {
        const post = itemToRawPost(item, ctx.source.target);
        const first = seen.get(post.externalId);
        if (first !== undefined) {
          // The same key twice in one document: the database keeps the first; say so.
          warnings.push(`item ${index + 1} has the same id as item ${first}: only item ${first} is stored`);
          return;
        }
        seen.set(post.externalId, index + 1);
        if (!item.rawIsExact)
          warnings.push(`item ${index + 1}: raw XML could not be sliced, stored as parsed JSON`);
        posts.push(post);
      });
      ctx.log.info(
        {
          host,
          status: 200,
          format: feed.format,
          items: feed.items.length,
          posts: posts.length,
          warnings: warnings.length,
        },
        'feed polled',
      );
      ctx.log.debug({ url: ctx.source.target, ids: posts.map((p) => p.externalId) }, 'feed items');
      const page: PollPage = { posts, state: { ...fetched.state }, final: true };
      if (warnings.length > 0) page.warnings = warnings;
      yield page;
    },
  };
}
