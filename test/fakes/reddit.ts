// Fake Reddit: app-only OAuth (POST /api/v1/access_token, HTTP Basic client id:secret,
// grant_type=client_credentials) and GET /search (bearer token, sort=new, limit, after) answering
// Listings, with X-Ratelimit-Used/Remaining/Reset headers and Reddit's error bodies.
import { json, startHttpFake, type HttpFake } from './http-fake.ts';

export interface FakeLink {
  kind: 't3';
  data: {
    id: string;
    name: string;
    title: string;
    selftext: string;
    author: string;
    author_fullname?: string;
    permalink: string;
    url: string;
    created_utc: number;
    subreddit: string;
  };
}

export interface FakeReddit extends HttpFake {
  links: FakeLink[];
  addLink(l: { title: string; selftext?: string; author?: string; created_utc: number }): FakeLink;
  revokeTokens(): void;
  /** Rate-limit headers sent with every search answer. */
  rate: { remaining: number; resetSeconds: number };
}

export async function startFakeReddit(opts: { clientId: string; clientSecret: string }): Promise<FakeReddit> {
  const links: FakeLink[] = [];
  const tokens = new Set<string>();
  const rate = { remaining: 599, resetSeconds: 300 };
  let n = 0;
  const fake = await startHttpFake((req) => {
    if (req.method === 'POST' && req.path === '/api/v1/access_token') {
      const expected = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return json(401, { message: 'Unauthorized', error: 401 });
      if (!req.headers['user-agent']) return json(429, { message: 'Too Many Requests', error: 429 });
      // Reddit answers 200 with an error field for a wrong grant.
      if (new URLSearchParams(req.body).get('grant_type') !== 'client_credentials')
        return json(200, { error: 'unsupported_grant_type' });
      const token = `tok-${++n}`;
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer', expires_in: 86400, scope: '*' });
    }
    if (req.method === 'GET' && req.path === '/search') {
      const token = /^bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!token || !tokens.has(token)) return json(401, { message: 'Unauthorized', error: 401 });
      const q = (req.query.get('q') ?? '').toLowerCase();
      const limit = Math.min(Number(req.query.get('limit') ?? '25'), 100);
      const after = req.query.get('after');
      const sorted = links
        .filter((l) => `${l.data.title} ${l.data.selftext}`.toLowerCase().includes(q))
        .sort((a, b) => b.data.created_utc - a.data.created_utc);
      const start = after ? sorted.findIndex((l) => l.data.name === after) + 1 : 0;
      const children = sorted.slice(start, start + limit);
      const more = start + limit < sorted.length;
      const headers = {
        'x-ratelimit-used': String(600 - rate.remaining),
        'x-ratelimit-remaining': String(rate.remaining),
        'x-ratelimit-reset': String(rate.resetSeconds),
      };
      return json(
        200,
        {
          kind: 'Listing',
          data: {
            after: more ? children.at(-1)!.data.name : null,
            dist: children.length,
            modhash: '',
            geo_filter: '',
            children,
            before: null,
          },
        },
        headers,
      );
    }
    return json(404, { message: 'Not Found', error: 404 });
  });
  let seq = 0;
  return Object.assign(fake, {
    links,
    rate,
    addLink(l: { title: string; selftext?: string; author?: string; created_utc: number }): FakeLink {
      seq++;
      const id = `abc${seq}`;
      const author = l.author ?? `user${seq}`;
      const link: FakeLink = {
        kind: 't3',
        data: {
          id,
          name: `t3_${id}`,
          title: l.title,
          selftext: l.selftext ?? '',
          author,
          ...(author === '[deleted]' ? {} : { author_fullname: `t2_${author}` }),
          permalink: `/r/france/comments/${id}/x/`,
          url: `https://www.reddit.com/r/france/comments/${id}/x/`,
          created_utc: l.created_utc,
          subreddit: 'france',
        },
      };
      links.push(link);
      return link;
    },
    revokeTokens() {
      tokens.clear();
    },
  });
}
