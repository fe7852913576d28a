// Fake Bluesky PDS/AppView XRPC: createSession (app password), refreshSession, searchPosts
// (q, mentions:, since, sort, limit, cursor; needs a session as the real AppView does) and
// searchActors, with XRPC error bodies ({error, message}) and ratelimit-* headers.
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

export interface FakeBluesky extends HttpFake {
  posts: FakePost[];
  actors: FakeActor[];
  addPost(p: { text: string; handle?: string; displayName?: string; indexedAt: string }): FakePost;
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
      const post: FakePost = {
        uri: `at://did:plc:u${seq}/app.bsky.feed.post/3k${seq}`,
        cid: `bafy${seq}`,
        author: {
          did: `did:plc:${handle.replace(/\W/g, '')}`,
          handle,
          ...(p.displayName ? { displayName: p.displayName } : {}),
        },
        record: { $type: 'app.bsky.feed.post', text: p.text, createdAt: p.indexedAt, langs: ['fr'] },
        indexedAt: p.indexedAt,
      };
      posts.push(post);
      return post;
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
