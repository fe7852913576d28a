// Checks X answers before trusting them and turns tweets into RawPosts. The check is minimal on
// purpose: enough that a broken answer is reported as such instead of crashing deeper, while
// fields X adds later pass through untouched (the raw JSON is kept as evidence).
import type { RawPost } from '../source.ts';
import { SourceError } from '../source.ts';

export interface XTweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  lang?: string;
  [field: string]: unknown;
}

export interface XUser {
  id: string;
  username?: string;
  name?: string;
  [field: string]: unknown;
}

export interface XProblem {
  type?: string;
  title?: string;
  detail?: string;
  resource_type?: string;
  resource_id?: string;
  value?: string;
  [field: string]: unknown;
}

export interface XTimelinePage {
  tweets: XTweet[];
  users: XUser[];
  errors: XProblem[];
  meta: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string } | undefined;
}

export const ID_PATTERN = /^[0-9]{1,19}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(what: string, why: string): SourceError {
  return new SourceError(`malformed answer from X for ${what}: ${why}`, true);
}

/** Validates `{data?: Tweet[], includes?: {users?}, errors?, meta?}`; `meta` is required when `needMeta`. */
export function parseTweetsAnswer(body: unknown, what: string, needMeta: boolean): XTimelinePage {
  if (!isObject(body)) throw malformed(what, `expected a JSON object, got ${typeof body}`);
  const errors = body.errors === undefined ? [] : body.errors;
  if (!Array.isArray(errors)) throw malformed(what, '`errors` is not an array');
  const problems = errors.filter(isObject) as XProblem[];
  if (body.meta !== undefined && !isObject(body.meta)) throw malformed(what, '`meta` is not an object');
  if (needMeta && body.meta === undefined) {
    // X answers a request it cannot serve at all (unknown or suspended user…) with errors only.
    if (body.data === undefined && problems.length) {
      throw new SourceError(
        `X could not serve ${what}: ${problems.map(describeItemProblem).join('; ')}`,
        false,
      );
    }
    throw malformed(what, '`meta` is missing');
  }
  const data = body.data === undefined ? [] : body.data;
  if (!Array.isArray(data)) throw malformed(what, '`data` is not an array');
  for (const t of data) {
    if (!isObject(t) || typeof t.id !== 'string' || !ID_PATTERN.test(t.id) || typeof t.text !== 'string') {
      throw malformed(what, 'a post lacks a numeric string `id` or a string `text`');
    }
  }
  const includes = body.includes;
  const rawUsers = isObject(includes) && Array.isArray(includes.users) ? includes.users : [];
  const users = rawUsers.filter((u): u is XUser => isObject(u) && typeof u.id === 'string');
  const meta = body.meta as XTimelinePage['meta'];
  if (meta?.next_token !== undefined && (typeof meta.next_token !== 'string' || meta.next_token === ''))
    throw malformed(what, '`meta.next_token` is not a string');
  return { tweets: data as XTweet[], users, errors: problems, meta };
}

/** One line per partial error, for the source's health record. */
export function describeItemProblem(p: XProblem): string {
  const kind = typeof p.type === 'string' ? p.type.replace(/^.*\/problems\//, '') : 'error';
  const subject =
    p.resource_type && (p.resource_id ?? p.value) ? ` ${p.resource_type} ${p.resource_id ?? p.value}` : '';
  const detail = p.detail ?? p.title ?? '';
  return `${kind}${subject}${detail ? `: ${detail}` : ''}`.slice(0, 300);
}

export function toRawPost(tweet: XTweet, usersById: Map<string, XUser>): RawPost {
  const author = tweet.author_id ? usersById.get(tweet.author_id) : undefined;
  const handle = typeof author?.username === 'string' ? author.username : null;
  const createdAt = typeof tweet.created_at === 'string' ? Date.parse(tweet.created_at) : NaN;
  return {
    platform: 'x',
    externalId: tweet.id,
    // Without the author's name, /i/web/status/<id> is the address X itself redirects from.
    url: handle ? `https://x.com/${handle}/status/${tweet.id}` : `https://x.com/i/web/status/${tweet.id}`,
    author: tweet.author_id
      ? { externalId: tweet.author_id, handle, name: typeof author?.name === 'string' ? author.name : null }
      : null,
    text: tweet.text,
    lang: typeof tweet.lang === 'string' ? tweet.lang : null,
    createdAt: Number.isFinite(createdAt) ? createdAt : null,
    raw: JSON.stringify({ data: tweet, includes: { users: author ? [author] : [] } }),
  };
}

/** The largest of the ids (numeric order: ids are snowflakes and differ in length over time). */
export function maxId(ids: string[]): string | undefined {
  let best: string | undefined;
  for (const id of ids) if (best === undefined || BigInt(id) > BigInt(best)) best = id;
  return best;
}
