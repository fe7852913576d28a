// Bluesky: post search (`app.bsky.feed.searchPosts`, names, handles, `mentions:`) through an
// app-password session, and account search (`app.bsky.actor.searchActors`) for look-alikes.
// XRPC over fetch: @atproto/api needs Node 22. Cursor: the newest `indexedAt` seen, sent back
// as `since` (inclusive; the store dedupes the overlap).
import type { Config } from '../../config/schema.ts';
import type { AccountSearcher, FoundAccount } from '../source.ts';
import {
  SourceError,
  finalPage,
  type PollContext,
  type PollPage,
  type RawPost,
  type SourceAdapter,
} from '../source.ts';
import {
  epochMs,
  HttpRefusedError,
  isRecord,
  requestJson,
  str,
  type CallContext,
  type JsonAnswer,
} from '../social-http.ts';

export type BlueskyConfig = Config['sources']['bluesky'];

interface Session {
  accessJwt: string;
  refreshJwt: string;
}

export interface BlueskyTuning {
  backoffMs?: number;
}

/** `ratelimit-reset` is epoch seconds on Bluesky's PDS. */
export function resetFromHeaders(h: Headers): number | undefined {
  const v = Number(h.get('ratelimit-reset'));
  return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
}

const isExpired = (err: unknown) =>
  err instanceof HttpRefusedError &&
  (err.status === 401 ||
    (err.status === 400 &&
      isRecord(err.body) &&
      (err.body.error === 'ExpiredToken' || err.body.error === 'InvalidToken')));

/** Shared by the adapter and the account search: one session per configured account. */
export function createBlueskyClient(config: BlueskyConfig, tuning: BlueskyTuning = {}) {
  const base = config.service.replace(/\/+$/, '');
  let session: Session | undefined;
  let login: Promise<Session> | undefined;

  const callCtx = (signal: AbortSignal, log?: PollContext['log']): CallContext => ({
    knobs: config,
    signal,
    log,
    source: 'bluesky',
    secrets: [config.appPassword, session?.accessJwt, session?.refreshJwt],
    backoffMs: tuning.backoffMs,
    resetFromHeaders,
  });

  function readSession(a: JsonAnswer, what: string): Session {
    const b = a.body;
    if (!isRecord(b) || typeof b.accessJwt !== 'string' || typeof b.refreshJwt !== 'string') {
      throw new SourceError(`bluesky: malformed answer for ${what}: no accessJwt/refreshJwt`, true);
    }
    return { accessJwt: b.accessJwt, refreshJwt: b.refreshJwt };
  }

  async function createSession(signal: AbortSignal, log?: PollContext['log']): Promise<Session> {
    if (!config.identifier || !config.appPassword)
      throw new SourceError(
        'Bluesky is not configured: set sources.bluesky.identifier and appPassword',
        false,
      );
    const what = 'login (createSession)';
    try {
      const a = await requestJson(
        {
          url: `${base}/xrpc/com.atproto.server.createSession`,
          what,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: config.identifier, password: config.appPassword }),
        },
        callCtx(signal, log),
      );
      return readSession(a, what);
    } catch (err) {
      if (err instanceof HttpRefusedError && (err.status === 401 || err.status === 400)) {
        throw new SourceError(
          `bluesky: the login of ${config.identifier} was refused (check the app password): ${err.message}`,
          false,
        );
      }
      throw err;
    }
  }

  async function refresh(signal: AbortSignal, log?: PollContext['log']): Promise<Session> {
    const old = session;
    if (old) {
      try {
        const a = await requestJson(
          {
            url: `${base}/xrpc/com.atproto.server.refreshSession`,
            what: 'session refresh',
            method: 'POST',
            headers: { authorization: `Bearer ${old.refreshJwt}` },
          },
          callCtx(signal, log),
        );
        return readSession(a, 'session refresh');
      } catch (err) {
        if (!isExpired(err)) throw err;
        log?.info('bluesky: refresh token expired, logging in again');
      }
    }
    return createSession(signal, log);
  }

  /** One XRPC query with the session; an expired access token is refreshed once. */
  async function query(
    method: string,
    params: URLSearchParams,
    what: string,
    signal: AbortSignal,
    log?: PollContext['log'],
  ): Promise<JsonAnswer> {
    for (let attempt = 0; ; attempt++) {
      if (!session) {
        login ??= createSession(signal, log).finally(() => (login = undefined));
        session = await login;
      }
      try {
        return await requestJson(
          {
            url: `${base}/xrpc/${method}?${params}`,
            what,
            headers: { authorization: `Bearer ${session.accessJwt}` },
          },
          callCtx(signal, log),
        );
      } catch (err) {
        if (attempt > 0 || !isExpired(err)) throw err;
        session = await refresh(signal, log);
      }
    }
  }

  return { query };
}

export type BlueskyClient = ReturnType<typeof createBlueskyClient>;

/** A PostView as a RawPost; null when the item lacks what we need. */
export function postViewToRaw(p: unknown): RawPost | null {
  if (!isRecord(p) || !isRecord(p.author) || !isRecord(p.record)) return null;
  const uri = str(p.uri);
  const did = str(p.author.did);
  if (!uri || !did || typeof p.record.text !== 'string') return null;
  const handle = str(p.author.handle);
  const rkey = uri.split('/').pop();
  const langs = Array.isArray(p.record.langs) ? p.record.langs : [];
  return {
    platform: 'bluesky',
    externalId: uri,
    url: rkey ? `https://bsky.app/profile/${handle ?? did}/post/${rkey}` : null,
    author: { externalId: did, handle, name: str(p.author.displayName) },
    text: p.record.text,
    lang: typeof langs[0] === 'string' ? langs[0] : null,
    createdAt: epochMs(p.record.createdAt) ?? epochMs(p.indexedAt),
    raw: JSON.stringify(p),
  };
}

export function createBlueskyAdapter(
  config: BlueskyConfig,
  tuning: BlueskyTuning = {},
  client = createBlueskyClient(config, tuning),
): SourceAdapter {
  return {
    kind: 'bluesky_search',
    async *poll(ctx: PollContext): AsyncIterable<PollPage> {
      const q = ctx.source.target;
      const warnings: string[] = [];
      const since =
        ctx.source.cursor && !Number.isNaN(Date.parse(ctx.source.cursor)) ? ctx.source.cursor : undefined;
      if (ctx.source.cursor && !since)
        warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}"`);
      let newest = since;
      let cursor: string | undefined;
      const seenCursors = new Set<string>();
      for (let page = 1; ; page++) {
        const params = new URLSearchParams({ q, sort: 'latest', limit: '100' });
        if (since) params.set('since', since);
        if (cursor) params.set('cursor', cursor);
        const what = `search "${q.slice(0, 60)}" page ${page}`;
        const answer = await client.query('app.bsky.feed.searchPosts', params, what, ctx.signal, ctx.log);
        const body = answer.body;
        if (!isRecord(body) || !Array.isArray(body.posts))
          throw new SourceError(`bluesky: malformed answer for ${what}: no posts array`, true);
        const posts: RawPost[] = [];
        body.posts.forEach((item, i) => {
          const post = postViewToRaw(item);
          if (!post) return void warnings.push(`${what}: item ${i + 1} skipped (malformed post view)`);
          posts.push(post);
          const at = isRecord(item) ? str(item.indexedAt) : null;
          if (at && (!newest || Date.parse(at) > Date.parse(newest))) newest = at;
        });
        const next = str(body.cursor);
        if (next && seenCursors.has(next))
          throw new SourceError(
            `bluesky: malformed answer for ${what}: the same cursor came back twice`,
            true,
          );
        const last = !next || posts.length === 0 || page >= config.maxPages;
        if (last && next && posts.length > 0)
          warnings.push(`stopped after ${page} pages: older results are left for the next poll window`);
        if (last) {
          ctx.log.info({ query: q.slice(0, 60), pages: page }, 'bluesky: poll complete');
          yield finalPage(posts, newest ?? null, warnings);
          return;
        }
        yield { posts };
        seenCursors.add(next);
        cursor = next;
      }
    },
  };
}

/** Account search for look-alikes (searchActors: handles, display names). */
export function createBlueskyAccountSearch(client: BlueskyClient): AccountSearcher {
  return {
    platform: 'bluesky',
    async searchAccounts(q, signal): Promise<FoundAccount[]> {
      const answer = await client.query(
        'app.bsky.actor.searchActors',
        new URLSearchParams({ q, limit: '100' }),
        `account search "${q.slice(0, 60)}"`,
        signal,
      );
      const b = answer.body;
      if (!isRecord(b) || !Array.isArray(b.actors))
        throw new SourceError('bluesky: malformed answer for account search: no actors array', true);
      return b.actors.flatMap((a) =>
        isRecord(a) && typeof a.did === 'string'
          ? [{ id: a.did, handle: str(a.handle), name: str(a.displayName) }]
          : [],
      );
    },
  };
}
