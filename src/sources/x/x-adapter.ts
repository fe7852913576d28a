// X (Twitter) sources: the mentions of a handle and a recent-search query, plus a lookup used
// later to notice deleted posts. Pages are driven one by one (never the library's
// auto-pagination, which stops silently when the rate-limit counter reaches 0) and each page is
// handed over as soon as it is read, so a failure on page 7 keeps pages 1-6.
import type { TwitterApi, TweetV2PaginableTimelineParams, Tweetv2SearchParams } from 'twitter-api-v2';
import type { Config } from '../../config/schema.ts';
import type { PollContext, PollPage, SourceAdapter } from '../source.ts';
import { SourceError } from '../source.ts';
import { callX, createXClient, waitForReset, XRefusedError, type CallOptions } from './x-request.ts';
import {
  ID_PATTERN,
  describeItemProblem,
  maxId,
  parseTweetsAnswer,
  toRawPost,
  type XUser,
} from './x-parse.ts';

export interface XPostLookup {
  /**
   * Which of `ids` X still serves. `missing`: X says they do not exist (deleted);
   * `unavailable`: X would not show them for another reason (protected, suspended author…).
   */
  lookupPosts(
    ids: string[],
    signal?: AbortSignal,
  ): Promise<{ found: Set<string>; missing: Set<string>; unavailable: Set<string> }>;
}

const HANDLE_PATTERN = /^@?[A-Za-z0-9_]{1,15}$/;
const LOOKUP_BATCH = 100;

const TIMELINE_FIELDS = {
  max_results: 100,
  expansions: ['author_id'],
  'tweet.fields': [
    'created_at',
    'public_metrics',
    'conversation_id',
    'referenced_tweets',
    'entities',
    'lang',
    'author_id',
  ],
  'user.fields': ['username', 'name', 'created_at', 'profile_image_url'],
} satisfies Partial<TweetV2PaginableTimelineParams>;

interface RawPage {
  body: unknown;
  rateLimit: { remaining?: number; reset?: number };
}

/** Fetches one page: `token` is the previous page's meta.next_token. */
type FetchPage = (token: string | undefined, sinceId: string | undefined) => Promise<RawPage>;

export function createXAdapters(config: Config['sources']['x']): {
  mentions: SourceAdapter;
  search: SourceAdapter;
  lookup: XPostLookup;
} {
  let client: Promise<TwitterApi> | undefined;
  // Built on first use so that a configuration without X (no token) can still create the adapters.
  const api = (): Promise<TwitterApi> => (client ??= createXClient(config));

  const mentions: SourceAdapter = {
    kind: 'x_mentions',
    async *poll(ctx) {
      const handle = ctx.source.target.replace(/^@/, '');
      if (!HANDLE_PATTERN.test(ctx.source.target))
        throw new SourceError(`"${ctx.source.target}" is not an X user name`, false);
      const userId = await resolveUserId(handle, ctx);
      const fetch: FetchPage = async (token, sinceId) => {
        const params: Partial<TweetV2PaginableTimelineParams> = {
          ...TIMELINE_FIELDS,
          since_id: sinceId,
          pagination_token: token,
        };
        const paginator = await (await api()).v2.userMentionTimeline(userId, params);
        return { body: paginator.data as unknown, rateLimit: paginator.rateLimit };
      };
      yield* pollPages(ctx, `mentions of @${handle}`, fetch, {
        ...(ctx.source.state ?? {}),
        userId,
        handle: handle.toLowerCase(),
      });
    },
  };

  const search: SourceAdapter = {
    kind: 'x_search',
    async *poll(ctx) {
      const query = ctx.source.target;
      if (query.length < 1 || query.length > 4096)
        throw new SourceError('an X search query must be 1 to 4096 characters long', false);
      const fetch: FetchPage = async (token, sinceId) => {
        const params: Partial<Tweetv2SearchParams> = {
          ...TIMELINE_FIELDS,
          since_id: sinceId,
          next_token: token,
        };
        const paginator = await (await api()).v2.search(query, params);
        return { body: paginator.data as unknown, rateLimit: paginator.rateLimit };
      };
      yield* pollPages(ctx, `search "${query.slice(0, 60)}"`, fetch, undefined);
    },
  };

  async function resolveUserId(handle: string, ctx: PollContext): Promise<string> {
    const state = ctx.source.state ?? {};
    // The cached id is only trusted for the handle it was resolved from (the target may be edited).
    const cachedFor = typeof state.handle === 'string' ? state.handle : handle.toLowerCase();
    if (
      typeof state.userId === 'string' &&
      ID_PATTERN.test(state.userId) &&
      cachedFor === handle.toLowerCase()
    )
      return state.userId;
    const what = `user lookup of @${handle}`;
    const body: unknown = await callX(async () => (await api()).v2.userByUsername(handle), {
      config,
      signal: ctx.signal,
      log: ctx.log,
      what,
    });
    const data = isRecord(body) ? body.data : undefined;
    if (isRecord(data) && typeof data.id === 'string' && ID_PATTERN.test(data.id)) return data.id;
    const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
    const why = errors.length ? errors.map((e) => describeItemProblem(e)).join('; ') : 'no such user';
    throw new SourceError(`X user @${handle} not found: ${why}`, false);
  }

  async function* pollPages(
    ctx: PollContext,
    what: string,
    fetch: FetchPage,
    state: Record<string, unknown> | undefined,
  ): AsyncGenerator<PollPage> {
    const warnings: string[] = [];
    let sinceId: string | undefined;
    if (ctx.source.cursor && ID_PATTERN.test(ctx.source.cursor)) sinceId = ctx.source.cursor;
    else if (ctx.source.cursor)
      warnings.push(`ignored an invalid cursor "${ctx.source.cursor.slice(0, 40)}": polled without since_id`);

    let token: string | undefined;
    let newCursor: string | undefined;
    let pageNo = 0;
    let total = 0;
    const tokensSeen = new Set<string>();
    for (;;) {
      pageNo++;
      const opts: CallOptions = { config, signal: ctx.signal, log: ctx.log, what: `${what} page ${pageNo}` };
      let raw: RawPage;
      try {
        raw = await callX(() => fetch(token, sinceId), opts);
      } catch (err) {
        // Recent search refuses a since_id older than its 7-day window (a source not polled for a
        // week): without this every later poll would fail the same way. Re-reading the window
        // is safe, the store dedupes.
        if (!(err instanceof XRefusedError && err.status === 400 && sinceId && /since_id/.test(err.message)))
          throw err;
        warnings.push(`the cursor ${sinceId} is too old for X: polled the whole window again`);
        ctx.log.warn({ what, sinceId }, 'x: since_id refused, polling without it');
        sinceId = undefined;
        pageNo--;
        continue;
      }
      const page = parseTweetsAnswer(raw.body, opts.what, true);
      const usersById = new Map<string, XUser>(page.users.map((u) => [u.id, u]));
      const posts = page.tweets.map((t) => toRawPost(t, usersById));
      const pageWarnings = page.errors.map((e) => describeItemProblem(e));
      if (pageNo === 1 && page.tweets.length) {
        const newest = page.meta?.newest_id;
        newCursor =
          typeof newest === 'string' && ID_PATTERN.test(newest)
            ? newest
            : maxId(page.tweets.map((t) => t.id));
      }
      total += posts.length;
      for (const p of posts) ctx.log.debug({ id: p.externalId, text: p.text }, 'x: post');

      const next = page.meta?.next_token;
      if (next !== undefined && tokensSeen.has(next)) {
        throw new SourceError(
          `malformed answer from X for ${opts.what}: the same next_token came back twice`,
          true,
        );
      }
      if (next === undefined) {
        ctx.log.info({ what, pages: pageNo, posts: total }, 'x: poll complete');
        const all = [...warnings, ...pageWarnings];
        yield {
          posts,
          final: true,
          // A cursor X refused (or that was not an id) is cleared even when nothing came back,
          // so the next poll does not pay for the same refusal.
          cursor: newCursor ?? (sinceId === (ctx.source.cursor ?? undefined) ? undefined : null),
          ...(state ? { state } : {}),
          ...(all.length ? { warnings: all } : {}),
        };
        return;
      }
      yield {
        posts,
        ...(pageWarnings.length || warnings.length
          ? { warnings: [...warnings.splice(0), ...pageWarnings] }
          : {}),
      };
      tokensSeen.add(next);
      token = next;
      // The counter says the next request would be refused: wait (or stop) now rather than spend it.
      const { remaining, reset } = raw.rateLimit;
      if (remaining === 0 && reset && reset * 1000 > Date.now())
        await waitForReset(reset * 1000, config.maxRateLimitWaitMs, opts);
    }
  }

  const lookup: XPostLookup = {
    async lookupPosts(ids, signal) {
      const unique = [...new Set(ids)];
      const bad = unique.find((id) => !ID_PATTERN.test(id));
      if (bad !== undefined) throw new SourceError(`"${bad.slice(0, 40)}" is not an X post id`, false);
      const found = new Set<string>();
      const missing = new Set<string>();
      const unavailable = new Set<string>();
      for (let i = 0; i < unique.length; i += LOOKUP_BATCH) {
        const batch = unique.slice(i, i + LOOKUP_BATCH);
        const what = `lookup of ${batch.length} posts`;
        const body: unknown = await callX(
          async () => (await api()).v2.tweets(batch, { 'tweet.fields': ['author_id'] }),
          {
            config,
            signal,
            what,
          },
        );
        const page = parseTweetsAnswer(body, what, false);
        for (const t of page.tweets) found.add(t.id);
        for (const e of page.errors) {
          const id = typeof e.resource_id === 'string' ? e.resource_id : e.value;
          if (typeof id !== 'string' || found.has(id)) continue;
          if (typeof e.type === 'string' && e.type.endsWith('/resource-not-found')) missing.add(id);
          else unavailable.add(id);
        }
        // An id X neither served nor explained: not proof of deletion.
        for (const id of batch) if (!found.has(id) && !missing.has(id)) unavailable.add(id);
      }
      return { found, missing, unavailable };
    },
  };

  return { mentions, search, lookup };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
