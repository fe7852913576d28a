// The data of the fake X API (see x-api.ts): users, posts with snowflake-like ids, the post
// generator, the newest-first timelines the endpoints page through, and the JSON they render to.
import { parseFields } from './x-api-problems.ts';

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

export const TWITTER_EPOCH = 1288834974657n;
const DEFAULT_START = Date.UTC(2026, 0, 1);

export interface XStoreOptions {
  /** Time of the first generated post, epoch ms (default 2026-01-01T00:00:00Z: deterministic ids). */
  startTime?: number;
  /** Gap between consecutive generated posts (default 1000 ms). */
  spacingMs?: number;
}

export interface XStore {
  usersByName: Map<string, FakeUser>;
  usersById: Map<string, FakeUser>;
  tweetsById: Map<string, StoredTweet>;
  addUser(username: string, opts?: { id?: string; name?: string }): FakeUser;
  addTweets(inputs: TweetInput[]): string[];
  generate(
    count: number,
    text: (i: number, author: string) => string,
    opts: GenerateOptions,
    queries: string[],
  ): string[];
  /** Per-user / per-query lists, newest first, rebuilt only after the data changed. */
  view(key: string, keep: (t: StoredTweet) => boolean): StoredTweet[];
  deleteTweet(id: string): void;
  /** `data` (and `includes.users` when expanded) for these posts, with the requested fields. */
  withIncludes(tweets: StoredTweet[], query: URLSearchParams): Record<string, unknown>;
  userJson(u: FakeUser, fields: Set<string>): Record<string, unknown>;
}

export function createXStore(options: XStoreOptions): XStore {
  const spacing = options.spacingMs ?? 1000;
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

  return {
    usersByName,
    usersById,
    tweetsById,
    addUser,
    addTweets,
    generate,
    view,
    deleteTweet,
    withIncludes,
    userJson,
  };
}
