// Fake Bluesky PDS/AppView XRPC: createSession (app password), refreshSession, searchPosts
// (q, mentions:, since, sort, limit, cursor; needs a session as the real AppView does) and
// searchActors, with XRPC error bodies ({error, message}) and ratelimit-* headers. Public
// AppView reads, no session needed: getPosts (up to 25 `uris`; deleted posts and posts of
// deactivated / taken-down / deleted accounts are left out of `posts`, silently, as the AppView
// does) and getProfile (400 AccountDeactivated / AccountTakedown / "Profile not found").
import { json, startHttpFake, type FakeRequest, type FakeResponse, type HttpFake } from './http-fake.ts';

export interface FakePost {
  uri: string;
  cid: string;
  author: { did: string; handle: string; displayName?: string };
  record: { $type: 'app.bsky.feed.post'; text: string; createdAt: string; langs?: string[] };
  indexedAt: string;
}

export interface FakeActor {
  did: string;
  handle: string;
  displayName?: string;
}

export type FakeAccountStatus = 'active' | 'deactivated' | 'takendown' | 'deleted';

export interface FakeBluesky extends HttpFake {
  posts: FakePost[];
  actors: FakeActor[];
  addPost(p: { text: string; handle?: string; displayName?: string; indexedAt: string }): FakePost;
  /** The author deletes the post: gone from search and getPosts. */
  deletePost(uri: string): void;
  /** The state of an author's account (by DID): only active accounts' posts are served. */
  setAccountStatus(did: string, status: FakeAccountStatus): void;
  /** Every access token issued so far stops working (ExpiredToken). */
  expireAccessTokens(): void;
  expireRefreshTokens(): void;
  calls(method: string): FakeRequest[];
}

const RATE_HEADERS = (reset: number) => ({
  'ratelimit-limit': '3000',
  'ratelimit-remaining': '2999',
  'ratelimit-reset': String(reset),
  'ratelimit-policy': '3000;w=300',
});

export async function startFakeBluesky(opts: { identifier: string; password: string }): Promise<FakeBluesky> {
  const posts: FakePost[] = [];
  const actors: FakeActor[] = [];
  const accountStatus = new Map<string, FakeAccountStatus>();
  /** Every account that ever posted (its profile outlives its deleted posts). */
  const authors = new Map<string, FakePost['author']>();
  const visible = (p: FakePost) => (accountStatus.get(p.author.did) ?? 'active') === 'active';
  const access = new Map<string, boolean>();
  const refresh = new Map<string, boolean>();
  let n = 0;
  const issue = (): FakeResponse => {
    n++;
    access.set(`acc-${n}`, true);
    refresh.set(`ref-${n}`, true);
    return json(
      200,
      {
        accessJwt: `acc-${n}`,
        refreshJwt: `ref-${n}`,
        handle: opts.identifier,
        did: 'did:plc:watcher',
        active: true,
      },
      RATE_HEADERS(Math.floor(Date.now() / 1000) + 300),
    );
  };
  const bearer = (req: FakeRequest) => /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
  const authed = (req: FakeRequest): FakeResponse | undefined => {
    const token = bearer(req);
    if (!token) return json(401, { error: 'AuthMissing', message: 'Authentication Required' });
    const valid = access.get(token);
    if (valid === undefined) return json(401, { error: 'InvalidToken', message: 'Bad token' });
    if (!valid) return json(400, { error: 'ExpiredToken', message: 'Token has expired' });
    return undefined;
  };

  const fake = await startHttpFake((req) => {
    const method = req.path.replace(/^\/xrpc\//, '');
    switch (`${req.method} ${method}`) {
      case 'POST com.atproto.server.createSession': {
        let body: { identifier?: string; password?: string };
        try {
          body = JSON.parse(req.body) as typeof body;
        } catch {
          return json(400, { error: 'InvalidRequest', message: 'Invalid JSON' });
        }
        if (body.identifier !== opts.identifier || body.password !== opts.password)
          return json(401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
        return issue();
      }
      case 'POST com.atproto.server.refreshSession': {
        const token = bearer(req);
        if (!token || !refresh.get(token))
          return json(400, { error: 'ExpiredToken', message: 'Token has been revoked' });
        refresh.set(token, false);
        return issue();
      }
      case 'GET app.bsky.feed.searchPosts': {
        const denied = authed(req);
        if (denied) return denied;
        const q = req.query.get('q');
        if (!q)
          return json(400, { error: 'InvalidRequest', message: 'Error: Params must have the property "q"' });
        const limit = Number(req.query.get('limit') ?? '25');
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          return json(400, { error: 'InvalidRequest', message: 'Error: limit must be <= 100' });
        const since = req.query.get('since');
        const mention = /^mentions:(\S+)$/.exec(q)?.[1];
        const matched = posts
          .filter(visible)
          .filter((p) =>
            mention
              ? p.record.text.toLowerCase().includes(`@${mention.toLowerCase()}`)
              : p.record.text.toLowerCase().includes(q.toLowerCase()),
          )
          .filter((p) => !since || Date.parse(p.indexedAt) >= Date.parse(since))
          .sort((a, b) => Date.parse(b.indexedAt) - Date.parse(a.indexedAt));
        const offset = Number(req.query.get('cursor') ?? '0');
        const page = matched.slice(offset, offset + limit);
        const next = offset + limit < matched.length ? String(offset + limit) : undefined;
        return json(
          200,
          { ...(next ? { cursor: next } : {}), hitsTotal: matched.length, posts: page },
          RATE_HEADERS(Math.floor(Date.now() / 1000) + 300),
        );
      }
      case 'GET app.bsky.feed.getPosts': {
        // Public: no session needed (a session would add the viewer's block filtering).
        const uris = req.query.getAll('uris');
        if (uris.length === 0)
          return json(400, {
            error: 'InvalidRequest',
            message: 'Error: Params must have the property "uris"',
          });
        if (uris.length > 25)
          return json(400, {
            error: 'InvalidRequest',
            message: 'Error: uris must not have more than 25 elements',
          });
        const bad = uris.find((u) => !/^at:\/\/[^/]+(\/[^/]+(\/[^/]+)?)?$/.test(u));
        if (bad !== undefined)
          return json(400, { error: 'InvalidRequest', message: 'Error: uris/0 must be a valid at-uri' });
        const found = [...new Set(uris)].flatMap((u) => {
          const p = posts.find((q) => q.uri === u);
          return p && visible(p)
            ? [{ ...p, replyCount: 0, repostCount: 0, likeCount: 0, quoteCount: 0, labels: [] }]
            : [];
        });
        return json(200, { posts: found }, RATE_HEADERS(Math.floor(Date.now() / 1000) + 300));
      }
      case 'GET app.bsky.actor.getProfile': {
        const actor = req.query.get('actor');
        if (!actor)
          return json(400, {
            error: 'InvalidRequest',
            message: 'Error: Params must have the property "actor"',
          });
        const author =
          [...authors.values()].find((a) => a.did === actor || a.handle === actor) ??
          actors.find((a) => a.did === actor || a.handle === actor);
        const status = author ? (accountStatus.get(author.did) ?? 'active') : 'deleted';
        if (!author || status === 'deleted')
          return json(400, { error: 'InvalidRequest', message: 'Profile not found' });
        if (status === 'takendown')
          return json(400, { error: 'AccountTakedown', message: 'Account has been suspended' });
        if (status === 'deactivated')
          return json(400, { error: 'AccountDeactivated', message: 'Account is deactivated' });
        return json(200, {
          did: author.did,
          handle: author.handle,
          ...(author.displayName ? { displayName: author.displayName } : {}),
          followersCount: 0,
          followsCount: 0,
          postsCount: posts.filter((p) => p.author.did === author.did).length,
          labels: [],
        });
      }
      case 'GET app.bsky.actor.searchActors': {
        const denied = authed(req);
        if (denied) return denied;
        return json(200, { actors: actors.map((a) => ({ ...a, labels: [] })) });
      }
      default:
        return json(501, { error: 'MethodNotImplemented', message: `Method Not Implemented: ${method}` });
    }
  });

  let seq = 0;
  return Object.assign(fake, {
    posts,
    actors,
    addPost(p: { text: string; handle?: string; displayName?: string; indexedAt: string }): FakePost {
      seq++;
      const handle = p.handle ?? `user${seq}.bsky.social`;
      const did = `did:plc:${handle.replace(/\W/g, '')}`;
      const post: FakePost = {
        uri: `at://${did}/app.bsky.feed.post/3k${seq}`,
        cid: `bafy${seq}`,
        author: {
          did,
          handle,
          ...(p.displayName ? { displayName: p.displayName } : {}),
        },
        record: { $type: 'app.bsky.feed.post', text: p.text, createdAt: p.indexedAt, langs: ['fr'] },
        indexedAt: p.indexedAt,
      };
      posts.push(post);
      authors.set(did, post.author);
      return post;
    },
    deletePost(uri: string) {
      const i = posts.findIndex((p) => p.uri === uri);
      if (i >= 0) posts.splice(i, 1);
    },
    setAccountStatus(did: string, status: FakeAccountStatus) {
      accountStatus.set(did, status);
    },
    expireAccessTokens() {
      for (const k of access.keys()) access.set(k, false);
    },
    expireRefreshTokens() {
      for (const k of refresh.keys()) refresh.set(k, false);
    },
    calls(method: string) {
      return fake.requests.filter((r) => r.path === `/xrpc/${method}`);
    },
  });
}
