// A fake of the four X API v2 endpoints Vigie uses, served over real HTTP on 127.0.0.1 so the
// adapter is exercised through twitter-api-v2's own transport. Bounds, patterns and shapes follow
// the official OpenAPI spec (getUsersByUsername, getUsersMentions, searchPostsRecent,
// getPostsByIds); where the spec is silent the fake copies what the live API answers.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
export interface FakeUser {
  id: string;
  username: string;
  name: string;
  created_at: string;
  profile_image_url: string;
  description: string;
  verified: boolean;
}

/** A post as the fake keeps it: compact, turned into JSON (with the requested fields) per answer. */
export interface StoredTweet {
  id: string;
  idBig: bigint;
  text: string;
  authorId: string;
  createdAt: number;
  lang: string;
  /** Lower-case user names mentioned in the text. */
  mentions: string[];
  /** Lower-case recent-search queries it matches. */
  queries: string[];
  replyTo?: string;
  deleted: boolean;
}

export interface TweetJson {
  id: string;
  text: string;
  edit_history_tweet_ids: string[];
  author_id?: string;
  created_at?: string;
  lang?: string;
  conversation_id?: string;
  public_metrics?: Record<string, number>;
  referenced_tweets?: { type: string; id: string }[];
  entities?: { mentions: { start: number; end: number; username: string; id?: string }[] };
}

const PROBLEM_BASE = 'https://api.x.com/2/problems/';

// Bodies copied from what the live API answers for each case.
const PROBLEM = {
  unauthorized: () => ({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }),
  tooMany: () => ({
    title: 'Too Many Requests',
    detail: 'Too Many Requests',
    type: 'about:blank',
    status: 429,
  }),
  server: (status: number) => ({
    title: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
    detail: 'Upstream failure',
    type: 'about:blank',
    status,
  }),
  notFound: (path: string) => ({
    title: 'Not Found',
    detail: `No route for ${path}`,
    type: 'about:blank',
    status: 404,
  }),
  resourceNotFound: (resource_type: string, parameter: string, value: string, detail: string) => ({
    value,
    detail,
    title: 'Not Found Error',
    resource_type,
    parameter,
    resource_id: value,
    type: `${PROBLEM_BASE}resource-not-found`,
  }),
  notAuthorizedForResource: (id: string) => ({
    value: id,
    detail: `Sorry, you are not authorized to see the Post with id: [${id}].`,
    title: 'Authorization Error',
    resource_type: 'tweet',
    parameter: 'referenced_tweets.id',
    resource_id: id,
    type: `${PROBLEM_BASE}not-authorized-for-resource`,
  }),
};

function badParam(name: string, value: string, message: string): unknown {
  return {
    errors: [{ parameters: { [name]: [value] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEM_BASE}invalid-request`,
  };
}

function allowedParams(query: URLSearchParams, allowed: string[]): unknown {
  for (const name of query.keys()) {
    if (!allowed.includes(name))
      return badParam(
        name,
        query.get(name) ?? '',
        `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
      );
  }
  return undefined;
}

function parseFields(v: string | null): Set<string> {
  return new Set((v ?? '').split(',').filter((s) => s.length > 0));
}

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

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The HTTP status answered (undefined while a hung request is still open). */
  status?: number;
}

export type FaultKind =
  | '429' // rate limited: x-rate-limit-remaining 0, reset `resetInSeconds` from now
  | '500'
  | '503'
  | 'malformed' // HTTP 200, application/json, body that is not JSON
  | 'bad-shape' // HTTP 200, valid JSON without the documented shape
  | 'hang' // never answers (until the server closes)
  | 'reset' // drops the connection without an answer
  | 'errors200' // the normal answer plus a partial-error `errors` array
  | 'deleteTweet'; // deletes `tweetId` just before answering (a post deleted mid-poll)

export interface FaultSpec {
  /** Which request the fault applies to: the next one (default) or the next one matching. */
  at?: 'nextRequest' | ((req: RecordedRequest) => boolean);
  kind: FaultKind;
  /** For '429': seconds until x-rate-limit-reset (default 900, i.e. a full window). */
  resetInSeconds?: number;
  /** For 'deleteTweet'. */
  tweetId?: string;
  /** How many matching requests it hits (default 1; Infinity = until cleared). */
  times?: number;
}

export interface TweetInput {
  id?: string;
  text: string;
  /** Author's user name; created when unknown. */
  author: string;
  createdAt?: Date | string | number;
  lang?: string;
  /** Recent-search queries this post matches (besides a case-insensitive text match). */
  matchesQueries?: string[];
  replyTo?: string;
}

export interface GenerateOptions {
  /** Number of distinct authors the posts are spread over (default 20). */
  authors?: number;
  /** Lang of the posts (default alternates en / fr). */
  lang?: string;
}

export interface FakeXApiOptions {
  token: string;
  host?: string;
  port?: number;
  /** Time of the first generated post, epoch ms (default 2026-01-01T00:00:00Z: deterministic ids). */
  startTime?: number;
  /** Gap between consecutive generated posts (default 1000 ms). */
  spacingMs?: number;
  /** Per-endpoint window (default 100 000 requests per 15 min: never hit unless a test asks). */
  rateLimit?: { limit: number; windowMs: number };
  /** When set, recent search refuses a since_id older than this (X: 7 days). Off by default: the
   * default generated posts are dated 2026-01-01 so that ids are deterministic. */
  recentSearchWindowMs?: number;
}

export interface FakeXApi {
  url: string;
  requests: RecordedRequest[];
  addUser(username: string, opts?: { id?: string; name?: string }): FakeUser;
  addTweets(tweets: TweetInput[]): string[];
  generateMentions(username: string, count: number, opts?: GenerateOptions): string[];
  generateSearchResults(query: string, count: number, opts?: GenerateOptions): string[];
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  deleteTweet(id: string): void;
  /** The stored post (including deleted ones), for assertions. */
  getTweet(id: string): StoredTweet | undefined;
  close(): Promise<void>;
}

const TWITTER_EPOCH = 1288834974657n;
const DEFAULT_START = Date.UTC(2026, 0, 1);
const MAX_RESULTS_BOUNDS = { mentions: [5, 100], search: [10, 100] } as const;

export async function startFakeXApi(options: FakeXApiOptions): Promise<FakeXApi> {
  const spacing = options.spacingMs ?? 1000;
  const window = options.rateLimit ?? { limit: 100_000, windowMs: 15 * 60_000 };
  let clock = options.startTime ?? DEFAULT_START;
  let seq = 0n;
  let version = 0;
  const usersByName = new Map<string, FakeUser>();
  const usersById = new Map<string, FakeUser>();
  const tweetsById = new Map<string, StoredTweet>();
  /** Live posts, newest first; re-sorted lazily after additions. */
  let timeline: StoredTweet[] = [];
  let dirty = false;
  const views = new Map<string, { version: number; list: StoredTweet[] }>();
  const faults: (FaultSpec & { left: number })[] = [];
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  const requests: RecordedRequest[] = [];
  const hung = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  function addUser(username: string, opts: { id?: string; name?: string } = {}): FakeUser {
    const existing = usersByName.get(username.toLowerCase());
    if (existing) return existing;
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) throw new Error(`invalid X user name ${username}`);
    const id = opts.id ?? String(1_000_000 + usersById.size * 7919);
    const user: FakeUser = {
      id,
      username,
      name: opts.name ?? `${username} (fake)`,
      created_at: new Date(Date.UTC(2015, 0, 1) + usersById.size * 86_400_000).toISOString(),
      profile_image_url: `https://pbs.twimg.com/profile_images/${id}/avatar_normal.jpg`,
      description: '',
      verified: false,
    };
    usersByName.set(username.toLowerCase(), user);
    usersById.set(id, user);
    return user;
  }

  /** Snowflake-like: time in the high bits, so ids grow with time and compare as BigInt. */
  function nextId(atMs: number): string {
    seq = (seq + 1n) & 0x3fffffn;
    return String(((BigInt(atMs) - TWITTER_EPOCH) << 22n) | seq);
  }

  function addTweets(inputs: TweetInput[]): string[] {
    const ids: string[] = [];
    for (const input of inputs) {
      const author = addUser(input.author);
      const createdAt =
        input.createdAt === undefined ? (clock += spacing) : new Date(input.createdAt).getTime();
      const id = input.id ?? nextId(createdAt);
      if (!/^[0-9]{1,19}$/.test(id)) throw new Error(`invalid post id ${id}`);
      const mentions = [...input.text.matchAll(/@([A-Za-z0-9_]{1,15})/g)].map((m) =>
        (m[1] ?? '').toLowerCase(),
      );
      const stored: StoredTweet = {
        id,
        idBig: BigInt(id),
        text: input.text,
        authorId: author.id,
        createdAt,
        lang: input.lang ?? 'en',
        mentions,
        queries: (input.matchesQueries ?? []).map((q) => q.toLowerCase()),
        replyTo: input.replyTo,
        deleted: false,
      };
      tweetsById.set(id, stored);
      timeline.push(stored);
      ids.push(id);
    }
    dirty = true;
    version++;
    return ids;
  }

  function generate(
    count: number,
    text: (i: number, author: string) => string,
    opts: GenerateOptions,
    queries: string[],
  ): string[] {
    const authorCount = Math.max(1, opts.authors ?? 20);
    const authors = Array.from(
      { length: authorCount },
      (_, i) => addUser(`fan_${i}`, { name: `Fan number ${i}` }).username,
    );
    const inputs: TweetInput[] = [];
    for (let i = 0; i < count; i++) {
      const author = authors[i % authorCount] ?? 'fan_0';
      inputs.push({
        text: text(i, author),
        author,
        lang: opts.lang ?? (i % 2 ? 'fr' : 'en'),
        matchesQueries: queries,
      });
    }
    return addTweets(inputs);
  }

  function live(): StoredTweet[] {
    if (dirty) {
      timeline = timeline
        .filter((t) => !t.deleted)
        .sort((a, b) => (a.idBig > b.idBig ? -1 : a.idBig < b.idBig ? 1 : 0));
      dirty = false;
    }
    return timeline;
  }

  /** Per-user / per-query lists, rebuilt only after the data changed (a 1 000-page walk stays O(pages)). */
  function view(key: string, keep: (t: StoredTweet) => boolean): StoredTweet[] {
    const cached = views.get(key);
    if (cached && cached.version === version) return cached.list;
    const list = live().filter(keep);
    views.set(key, { version, list });
    return list;
  }

  function deleteTweet(id: string): void {
    const t = tweetsById.get(id);
    if (!t || t.deleted) return;
    t.deleted = true;
    dirty = true;
    version++;
  }

  function tweetJson(t: StoredTweet, fields: Set<string>): TweetJson {
    const out: TweetJson = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] };
    if (fields.has('author_id')) out.author_id = t.authorId;
    if (fields.has('created_at')) out.created_at = new Date(t.createdAt).toISOString();
    if (fields.has('lang')) out.lang = t.lang;
    if (fields.has('conversation_id')) out.conversation_id = t.replyTo ?? t.id;
    if (fields.has('public_metrics')) {
      const n = Number(t.idBig % 97n);
      out.public_metrics = {
        retweet_count: n % 5,
        reply_count: n % 3,
        like_count: n,
        quote_count: 0,
        bookmark_count: 0,
        impression_count: n * 13,
      };
    }
    if (fields.has('referenced_tweets') && t.replyTo)
      out.referenced_tweets = [{ type: 'replied_to', id: t.replyTo }];
    if (fields.has('entities') && t.mentions.length) {
      out.entities = {
        mentions: [...t.text.matchAll(/@([A-Za-z0-9_]{1,15})/g)].map((m) => ({
          start: m.index ?? 0,
          end: (m.index ?? 0) + m[0].length,
          username: m[1] ?? '',
          ...(usersByName.get((m[1] ?? '').toLowerCase())
            ? { id: usersByName.get((m[1] ?? '').toLowerCase())?.id }
            : {}),
        })),
      };
    }
    return out;
  }

  function userJson(u: FakeUser, fields: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: u.id, name: u.name, username: u.username };
    for (const f of fields) if (f in u && !(f in out)) out[f] = u[f as keyof FakeUser];
    return out;
  }

  function withIncludes(tweets: StoredTweet[], query: URLSearchParams): Record<string, unknown> {
    const tweetFields = parseFields(query.get('tweet.fields') ?? query.get('post.fields'));
    const expansions = parseFields(query.get('expansions'));
    const body: Record<string, unknown> = {};
    if (tweets.length) body.data = tweets.map((t) => tweetJson(t, tweetFields));
    if (tweets.length && expansions.has('author_id')) {
      const userFields = parseFields(query.get('user.fields'));
      const authors = [...new Set(tweets.map((t) => t.authorId))]
        .map((id) => usersById.get(id))
        .filter((u): u is FakeUser => !!u);
      body.includes = { users: authors.map((u) => userJson(u, userFields)) };
    }
    return body;
  }

  /** One page of a newest-first list, X style: since_id/until_id exclusive, opaque next_token. */
  function page(
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
    const body = withIncludes(slice, query);
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

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
  ): { status: number; body: unknown; bucket: string } {
    let m: RegExpMatchArray | null;
    if (method !== 'GET') return { status: 404, body: PROBLEM.notFound(path), bucket: 'other' };
    if ((m = path.match(/^\/2\/users\/by\/username\/([^/]+)$/))) {
      const bucket = 'users/by/username';
      const username = decodeURIComponent(m[1] ?? '');
      const invalid = allowedParams(query, ['user.fields', 'expansions', 'tweet.fields', 'post.fields']);
      if (invalid) return { status: 400, body: invalid, bucket };
      if (!/^[A-Za-z0-9_]{1,15}$/.test(username))
        return {
          status: 400,
          body: badParam(
            'username',
            username,
            `The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`,
          ),
          bucket,
        };
      const user = usersByName.get(username.toLowerCase());
      if (!user)
        return {
          status: 200,
          body: {
            errors: [
              PROBLEM.resourceNotFound(
                'user',
                'username',
                username,
                `Could not find user with username: [${username}].`,
              ),
            ],
          },
          bucket,
        };
      return { status: 200, body: { data: userJson(user, parseFields(query.get('user.fields'))) }, bucket };
    }
    if ((m = path.match(/^\/2\/users\/([^/]+)\/mentions$/))) {
      const bucket = 'users/:id/mentions';
      const id = decodeURIComponent(m[1] ?? '');
      const invalid = checkTimelineParams(query, 'mentions', ['pagination_token']);
      if (invalid) return { status: 400, body: invalid, bucket };
      if (!/^[0-9]{1,19}$/.test(id))
        return {
          status: 400,
          body: badParam('id', id, `The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`),
          bucket,
        };
      const user = usersById.get(id);
      if (!user)
        return {
          status: 200,
          body: {
            errors: [PROBLEM.resourceNotFound('user', 'id', id, `Could not find user with id: [${id}].`)],
          },
          bucket,
        };
      const name = user.username.toLowerCase();
      const list = view(`mentions:${name}`, (t) => t.mentions.includes(name));
      return { ...page(list, query, ['pagination_token'], 10), bucket };
    }
    if (path === '/2/tweets/search/recent') {
      const bucket = 'tweets/search/recent';
      const invalid = checkTimelineParams(query, 'search', [
        'next_token',
        'pagination_token',
        'query',
        'sort_order',
      ]);
      if (invalid) return { status: 400, body: invalid, bucket };
      const q = query.get('query') ?? '';
      if (q.length < 1 || q.length > 4096)
        return {
          status: 400,
          body: badParam('query', q, 'The `query` query parameter must be 1 to 4096 characters long'),
          bucket,
        };
      const since = query.get('since_id');
      if (since !== null && options.recentSearchWindowMs !== undefined) {
        const after = Date.now() - options.recentSearchWindowMs;
        if (Number((BigInt(since) >> 22n) + TWITTER_EPOCH) < after) {
          const iso = new Date(after).toISOString();
          const message = `Invalid 'since_id':'${since}'. 'since_id' must be a tweet id created after ${iso}. Please use a 'since_id' that is newer.`;
          return { status: 400, body: badParam('since_id', since, message), bucket };
        }
      }
      const needle = q.toLowerCase();
      const list = view(
        `search:${needle}`,
        (t) => t.queries.includes(needle) || t.text.toLowerCase().includes(needle),
      );
      return { ...page(list, query, ['next_token', 'pagination_token'], 10), bucket };
    }
    if (path === '/2/tweets') {
      const bucket = 'tweets';
      const invalid = allowedParams(query, [
        'ids',
        'tweet.fields',
        'post.fields',
        'expansions',
        'user.fields',
        'media.fields',
        'poll.fields',
        'place.fields',
      ]);
      if (invalid) return { status: 400, body: invalid, bucket };
      const ids = (query.get('ids') ?? '').split(',').filter((s) => s.length > 0);
      if (ids.length < 1 || ids.length > 100)
        return {
          status: 400,
          body: badParam('ids', query.get('ids') ?? '', 'The `ids` query parameter must hold 1 to 100 ids'),
          bucket,
        };
      const wrong = ids.find((id) => !/^[0-9]{1,19}$/.test(id));
      if (wrong !== undefined)
        return {
          status: 400,
          body: badParam(
            'ids',
            wrong,
            `The \`ids\` query parameter value [${wrong}] does not match ^[0-9]{1,19}$`,
          ),
          bucket,
        };
      const found = ids.map((id) => tweetsById.get(id)).filter((t): t is StoredTweet => !!t && !t.deleted);
      const body = withIncludes(found, query);
      const missing = ids.filter((id) => !found.some((t) => t.id === id));
      if (missing.length)
        body.errors = missing.map((id) =>
          PROBLEM.resourceNotFound('tweet', 'ids', id, `Could not find tweet with ids: [${id}].`),
        );
      return { status: 200, body, bucket };
    }
    return { status: 404, body: PROBLEM.notFound(path), bucket: 'other' };
  }

  function checkTimelineParams(
    query: URLSearchParams,
    kind: 'mentions' | 'search',
    extra: string[],
  ): unknown {
    const invalid = allowedParams(query, [
      'max_results',
      'start_time',
      'end_time',
      'since_id',
      'until_id',
      'tweet.fields',
      'post.fields',
      'expansions',
      'user.fields',
      'media.fields',
      'poll.fields',
      'place.fields',
      ...extra,
    ]);
    if (invalid) return invalid;
    const [lo, hi] = MAX_RESULTS_BOUNDS[kind];
    const raw = query.get('max_results');
    if (raw !== null && (!/^-?\d+$/.test(raw) || Number(raw) < lo || Number(raw) > hi))
      return badParam(
        'max_results',
        raw,
        `The \`max_results\` query parameter value [${raw}] is not between ${lo} and ${hi}`,
      );
    for (const name of ['since_id', 'until_id']) {
      const v = query.get(name);
      if (v !== null && !/^[0-9]{1,19}$/.test(v))
        return badParam(name, v, `The \`${name}\` query parameter value [${v}] does not match ^[0-9]{1,19}$`);
    }
    for (const name of ['pagination_token', 'next_token']) {
      if (query.get(name) === '')
        return badParam(name, '', `The \`${name}\` query parameter can not be empty`);
    }
    return undefined;
  }

  /** Rate-limit headers on every answer, as X sends them; a spent window answers 429 by itself. */
  function rateHeaders(
    bucket: string,
    spend: boolean,
  ): { headers: Record<string, string>; exhausted: boolean; reset: number } {
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
  }

  function takeFault(rec: RecordedRequest): FaultSpec | undefined {
    const i = faults.findIndex((f) => f.at === undefined || f.at === 'nextRequest' || f.at(rec));
    const f = faults[i];
    if (!f) return undefined;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  }

  function send(
    res: http.ServerResponse,
    rec: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string>,
    type = 'application/json; charset=utf-8',
  ): void {
    rec.status = status;
    res.writeHead(status, { 'content-type': type, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    requests.push(rec);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      send(
        res,
        rec,
        401,
        PROBLEM.unauthorized(),
        rateHeaders('auth', false).headers,
        'application/problem+json',
      );
      return;
    }
    const fault = takeFault(rec);
    if (fault?.kind === 'hang') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'deleteTweet' && fault.tweetId) deleteTweet(fault.tweetId);
    const result = route(rec.method, rec.path, url.searchParams);
    if (fault?.kind === '429') {
      const reset = Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 900);
      const headers = {
        'x-rate-limit-limit': String(window.limit),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      };
      send(res, rec, 429, PROBLEM.tooMany(), headers, 'application/problem+json');
      return;
    }
    const rate = rateHeaders(result.bucket, true);
    if (rate.exhausted)
      return send(res, rec, 429, PROBLEM.tooMany(), rate.headers, 'application/problem+json');
    if (fault?.kind === '500' || fault?.kind === '503') {
      const status = Number(fault.kind);
      return send(res, rec, status, PROBLEM.server(status), rate.headers, 'application/problem+json');
    }
    if (fault?.kind === 'malformed')
      return send(res, rec, 200, '{"data":[{"id":"1","text":"trunc', rate.headers);
    if (fault?.kind === 'bad-shape')
      return send(res, rec, 200, { data: { id: 1 }, meta: 'nope' }, rate.headers);
    let body = result.body;
    if (fault?.kind === 'errors200' && result.status === 200 && body && typeof body === 'object') {
      body = { ...body, errors: [PROBLEM.notAuthorizedForResource('1')] };
    }
    send(
      res,
      rec,
      result.status,
      body,
      rate.headers,
      result.status >= 400 && result.status !== 400
        ? 'application/problem+json'
        : 'application/json; charset=utf-8',
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    addUser,
    addTweets,
    generateMentions(username, count, opts = {}) {
      addUser(username);
      return generate(
        count,
        (i, a) => `@${username} message ${i} from ${a}${i % 7 === 0 ? ' — tu devrais avoir honte' : ''}`,
        opts,
        [],
      );
    },
    generateSearchResults(query, count, opts = {}) {
      return generate(count, (i, a) => `search hit ${i} by ${a}: ${query}`, opts, [query]);
    },
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    deleteTweet,
    getTweet: (id) => tweetsById.get(id),
    close() {
      for (const res of hung) res.destroy();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
