// The four endpoints of the fake X API (see x-api.ts): getUsersByUsername, getUsersMentions,
// searchPostsRecent and getPostsByIds, each answering with its rate-limit bucket.
import { TWITTER_EPOCH, type StoredTweet, type XStore } from './x-api-model.ts';
import { page } from './x-api-paging.ts';
import {
  FIELD_PARAMS,
  PROBLEM,
  allowedParams,
  badParam,
  checkTimelineParams,
  parseFields,
} from './x-api-problems.ts';

export interface RouteResult {
  status: number;
  body: unknown;
  bucket: string;
}

export interface RouteOptions {
  /** When set, recent search refuses a since_id older than this (X: 7 days). */
  recentSearchWindowMs?: number;
}

function usersByUsername(store: XStore, rawName: string, query: URLSearchParams): RouteResult {
  const bucket = 'users/by/username';
  const username = decodeURIComponent(rawName);
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
  const user = store.usersByName.get(username.toLowerCase());
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
  return {
    status: 200,
    body: { data: store.userJson(user, parseFields(query.get('user.fields'))) },
    bucket,
  };
}

function mentions(store: XStore, rawId: string, query: URLSearchParams): RouteResult {
  const bucket = 'users/:id/mentions';
  const id = decodeURIComponent(rawId);
  const invalid = checkTimelineParams(query, 'mentions', ['pagination_token']);
  if (invalid) return { status: 400, body: invalid, bucket };
  if (!/^[0-9]{1,19}$/.test(id))
    return {
      status: 400,
      body: badParam('id', id, `The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`),
      bucket,
    };
  const user = store.usersById.get(id);
  if (!user)
    return {
      status: 200,
      body: {
        errors: [PROBLEM.resourceNotFound('user', 'id', id, `Could not find user with id: [${id}].`)],
      },
      bucket,
    };
  const name = user.username.toLowerCase();
  const list = store.view(`mentions:${name}`, (t) => t.mentions.includes(name));
  return { ...page(store, list, query, ['pagination_token'], 10), bucket };
}

function searchRecent(store: XStore, options: RouteOptions, query: URLSearchParams): RouteResult {
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
  const list = store.view(
    `search:${needle}`,
    (t) => t.queries.includes(needle) || t.text.toLowerCase().includes(needle),
  );
  return { ...page(store, list, query, ['next_token', 'pagination_token'], 10), bucket };
}

function postsByIds(store: XStore, query: URLSearchParams): RouteResult {
  const bucket = 'tweets';
  const invalid = allowedParams(query, ['ids', ...FIELD_PARAMS]);
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
  const found = ids.map((id) => store.tweetsById.get(id)).filter((t): t is StoredTweet => !!t && !t.deleted);
  const body = store.withIncludes(found, query);
  const missing = ids.filter((id) => !found.some((t) => t.id === id));
  if (missing.length)
    body.errors = missing.map((id) =>
      PROBLEM.resourceNotFound('tweet', 'ids', id, `Could not find tweet with ids: [${id}].`),
    );
  return { status: 200, body, bucket };
}

export function route(
  store: XStore,
  options: RouteOptions,
  method: string,
  path: string,
  query: URLSearchParams,
): RouteResult {
  let m: RegExpMatchArray | null;
  if (method !== 'GET') return { status: 404, body: PROBLEM.notFound(path), bucket: 'other' };
  if ((m = path.match(/^\/2\/users\/by\/username\/([^/]+)$/)))
    return usersByUsername(store, m[1] ?? '', query);
  if ((m = path.match(/^\/2\/users\/([^/]+)\/mentions$/))) return mentions(store, m[1] ?? '', query);
  if (path === '/2/tweets/search/recent') return searchRecent(store, options, query);
  if (path === '/2/tweets') return postsByIds(store, query);
  return { status: 404, body: PROBLEM.notFound(path), bucket: 'other' };
}
