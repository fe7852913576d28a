// Error bodies and request validation of the fake X API (see x-api.ts): problem documents as the
// live API answers them, and the parameter checks of the OpenAPI spec.

export const PROBLEM_BASE = 'https://api.x.com/2/problems/';

// Bodies copied from what the live API answers for each case.
export const PROBLEM = {
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

/** The field and expansion parameters every post-returning endpoint accepts. */
export const FIELD_PARAMS = [
  'tweet.fields',
  'post.fields',
  'expansions',
  'user.fields',
  'media.fields',
  'poll.fields',
  'place.fields',
] as const;

export function badParam(name: string, value: string, message: string): unknown {
  return {
    errors: [{ parameters: { [name]: [value] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEM_BASE}invalid-request`,
  };
}

export function allowedParams(query: URLSearchParams, allowed: readonly string[]): unknown {
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

export function parseFields(v: string | null): Set<string> {
  return new Set((v ?? '').split(',').filter((s) => s.length > 0));
}

const MAX_RESULTS_BOUNDS = { mentions: [5, 100], search: [10, 100] } as const;

/** Parameters common to the mentions timeline and recent search; undefined when they are valid. */
export function checkTimelineParams(
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
    ...FIELD_PARAMS,
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
    if (query.get(name) === '') return badParam(name, '', `The \`${name}\` query parameter can not be empty`);
  }
  return undefined;
}
