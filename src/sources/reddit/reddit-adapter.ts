// Reddit search, newest first, with an app-only OAuth token (client_credentials): anonymous JSON
// is blocked. Cursor: the newest `created_utc` seen (seconds); a poll pages back (`after`) until
// it reaches posts older than that. The store dedupes the overlap at the boundary second.
import type { Config } from '../../config/schema.ts';
import {
  SourceError,
  finalPage,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from '../source.ts';
import {
  HttpRefusedError,
  isRecord,
  requestJson,
  str,
  waitForReset,
  type CallContext,
  type JsonAnswer,
} from '../social-http.ts';

export type RedditConfig = Config['sources']['reddit'];

export interface RedditTuning {
  backoffMs?: number;
}

/** X-Ratelimit-Reset is seconds until the window resets. */
function resetFromHeaders(h: Headers): number | undefined {
  const v = Number(h.get('x-ratelimit-reset'));
  return h.has('x-ratelimit-reset') && Number.isFinite(v) ? Date.now() + v * 1000 : undefined;
}

/** A t3 (link) thing as a RawPost; null when the item lacks what we need. */
export function thingToRaw(thing: unknown): RawPost | null {
  if (!isRecord(thing) || !isRecord(thing.data)) return null;
  const d = thing.data;
  const name = str(d.name);
  const created = typeof d.created_utc === 'number' ? d.created_utc : null;
  if (!name || created === null) return null;
  const author = str(d.author);
  const deleted = !author || author === '[deleted]';
  const permalink = str(d.permalink);
  return {
    platform: 'reddit',
    externalId: name,
    url: permalink ? `https://www.reddit.com${permalink}` : str(d.url),
    author: deleted ? null : { externalId: str(d.author_fullname) ?? author, handle: author, name: null },
    text: [str(d.title), str(d.selftext) ?? str(d.body)].filter((t): t is string => t !== null).join('\n'),
    lang: null,
    createdAt: Math.round(created * 1000),
    raw: JSON.stringify(thing),
  };
}

/**
 * App-only OAuth (client_credentials) and authenticated GETs on the API base, with Reddit's
 * User-Agent: shared by the search adapter and the deletion watch (`/api/info`).
 */
export function createRedditClient(config: RedditConfig, tuning: RedditTuning = {}) {
  const authBase = config.authUrl.replace(/\/+$/, '');
  const apiBase = config.apiUrl.replace(/\/+$/, '');
  let token: { value: string; expiresAt: number } | undefined;

  const callCtx = (signal: AbortSignal, log?: PollContext['log']): CallContext => ({
    knobs: config,
    signal,
    log,
    source: 'reddit',
    secrets: [config.clientSecret, token?.value],
    backoffMs: tuning.backoffMs,
    resetFromHeaders,
  });

  async function getToken(signal: AbortSignal, log?: PollContext['log']): Promise<string> {
    if (token && token.expiresAt > Date.now() + 60_000) return token.value;
    if (!config.clientId || !config.clientSecret)
      throw new SourceError('Reddit is not configured: set sources.reddit.clientId and clientSecret', false);
    const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
    let a: JsonAnswer;
    try {
      a = await requestJson(
        {
          url: `${authBase}/api/v1/access_token`,
          what: 'app-only login',
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': config.userAgent,
          },
          body: 'grant_type=client_credentials',
        },
        callCtx(signal, log),
      );
    } catch (err) {
      if (err instanceof HttpRefusedError && err.status === 401)
        throw new SourceError(
          'reddit: the app credentials were refused (check clientId / clientSecret)',
          false,
        );
      throw err;
    }
    const b = a.body;
    // Reddit reports some refusals with HTTP 200 and an `error` field.
    if (isRecord(b) && typeof b.error === 'string')
      throw new SourceError(`reddit: app-only login refused: ${b.error}`, false);
    if (!isRecord(b) || typeof b.access_token !== 'string')
      throw new SourceError('reddit: malformed answer for app-only login: no access_token', true);
    const ttl = typeof b.expires_in === 'number' ? b.expires_in * 1000 : 3600_000;
    token = { value: b.access_token, expiresAt: Date.now() + ttl };
    return token.value;
  }

  /** GET `pathAndQuery` on the API base with the app token; a token refused early is renewed once. */
  async function get(
    pathAndQuery: string,
    what: string,
    signal: AbortSignal,
    log?: PollContext['log'],
  ): Promise<JsonAnswer> {
    for (let attempt = 0; ; attempt++) {
      const value = await getToken(signal, log);
      try {
        return await requestJson(
          {
            url: `${apiBase}${pathAndQuery}`,
            what,
            headers: { authorization: `bearer ${value}`, 'user-agent': config.userAgent },
          },
          callCtx(signal, log),
        );
      } catch (err) {
        // A token revoked or expired early: one new login, then give up.
        if (attempt > 0 || !(err instanceof HttpRefusedError && err.status === 401)) throw err;
        token = undefined;
      }
    }
  }

  return { get, callCtx, resetFromHeaders };
}

export function createRedditAdapter(config: RedditConfig, tuning: RedditTuning = {}): SourceAdapter {
  const client = createRedditClient(config, tuning);
  const { callCtx } = client;
  const search = (ctx: PollContext, params: URLSearchParams, what: string): Promise<JsonAnswer> =>
    client.get(`/search?${params}`, what, ctx.signal, ctx.log);

  return {
    kind: 'reddit_search',
    async *poll(ctx: PollContext): AsyncIterable<PollPage> {
      const q = ctx.source.target;
      const warnings: string[] = [];
      const cursor =
        ctx.source.cursor && /^\d{1,12}$/.test(ctx.source.cursor) ? Number(ctx.source.cursor) : undefined;
      if (ctx.source.cursor && cursor === undefined)
        warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}"`);
      let newest = cursor;
      let after: string | undefined;
      const seen = new Set<string>();
      for (let page = 1; ; page++) {
        const what = `search "${q.slice(0, 60)}" page ${page}`;
        const params = new URLSearchParams({ q, sort: 'new', limit: '100', raw_json: '1', type: 'link' });
        if (after) params.set('after', after);
        const answer = await search(ctx, params, what);
        const b = answer.body;
        if (!isRecord(b) || b.kind !== 'Listing' || !isRecord(b.data) || !Array.isArray(b.data.children)) {
          throw new SourceError(`reddit: malformed answer for ${what}: not a Listing`, true);
        }
        const posts: RawPost[] = [];
        let reachedCursor = false;
        b.data.children.forEach((child, i) => {
          const post = thingToRaw(child);
          if (!post || post.createdAt === null)
            return void warnings.push(`${what}: item ${i + 1} skipped (malformed)`);
          const seconds = Math.floor(post.createdAt / 1000);
          if (cursor !== undefined && seconds < cursor) {
            reachedCursor = true;
            return;
          }
          posts.push(post);
          if (newest === undefined || seconds > newest) newest = seconds;
        });
        const next = str(b.data.after);
        if (next && seen.has(next))
          throw new SourceError(
            `reddit: malformed answer for ${what}: the same "after" came back twice`,
            true,
          );
        const last = reachedCursor || !next || page >= config.maxPages;
        if (last) {
          if (!reachedCursor && next)
            warnings.push(`stopped after ${page} pages: older results were not read`);
          ctx.log.info({ query: q.slice(0, 60), pages: page }, 'reddit: poll complete');
          yield finalPage(posts, newest !== undefined ? String(newest) : null, warnings);
          return;
        }
        yield { posts };
        seen.add(next);
        after = next;
        // The counter says the next request would be refused: wait (or stop) now rather than spend it.
        const remaining = Number(answer.headers.get('x-ratelimit-remaining'));
        const resetAt = resetFromHeaders(answer.headers);
        if (answer.headers.has('x-ratelimit-remaining') && remaining < 1 && resetAt) {
          await waitForReset(resetAt, config.maxRateLimitWaitMs, callCtx(ctx.signal, ctx.log), what);
        }
      }
    },
  };
}
