// Fake Reddit: app-only OAuth (POST /api/v1/access_token, HTTP Basic client id:secret,
// grant_type=client_credentials) and GET /search (bearer token, sort=new, limit, after) answering
// Listings, with X-Ratelimit-Used/Remaining/Reset headers and Reddit's error bodies. GET /api/info
// (bearer token, `id` = up to 100 comma-separated fullnames) answers a Listing of the things that
// exist, as Reddit shows them after a deletion ("[deleted]", removed_by_category "deleted") or a
// removal ("[removed]", "moderator", "reddit"…); purged things (or things of a private subreddit)
// are left out.
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
    removed_by_category: string | null;
  };
}

export interface FakeComment {
  kind: 't1';
  data: {
    id: string;
    name: string;
    body: string;
    author: string;
    author_fullname?: string;
    link_id: string;
    parent_id: string;
    permalink: string;
    created_utc: number;
    subreddit: string;
  };
}

export interface FakeReddit extends HttpFake {
  links: FakeLink[];
  comments: FakeComment[];
  addLink(l: { title: string; selftext?: string; author?: string; created_utc: number }): FakeLink;
  addComment(c: { body: string; author?: string; link: FakeLink; created_utc: number }): FakeComment;
  /** The author deletes the thing: "[deleted]" author and text (a link also gets the category "deleted"). */
  deleteByAuthor(name: string): void;
  /** A removal: by the subreddit's moderators (default), Reddit ("reddit", "anti_evil_ops"…) or held by AutoModerator ("automod_filtered"). */
  remove(name: string, category?: string): void;
  /** The thing is no longer served at all (purged, or its subreddit went private). */
  purge(name: string): void;
  revokeTokens(): void;
  /** Rate-limit headers sent with every search answer. */
  rate: { remaining: number; resetSeconds: number };
}

export async function startFakeReddit(opts: { clientId: string; clientSecret: string }): Promise<FakeReddit> {
  const links: FakeLink[] = [];
  const comments: FakeComment[] = [];
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
    const rateHeaders = () => ({
      'x-ratelimit-used': String(600 - rate.remaining),
      'x-ratelimit-remaining': String(rate.remaining),
      'x-ratelimit-reset': String(rate.resetSeconds),
    });
    if (req.method === 'GET' && (req.path === '/api/info' || req.path === '/api/info.json')) {
      const token = /^bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!token || !tokens.has(token)) return json(401, { message: 'Unauthorized', error: 401 });
      const ids = (req.query.get('id') ?? '').split(',').filter((id) => id !== '');
      if (ids.length > 100) return json(400, { message: 'Bad Request', error: 400 });
      const things = [...links, ...comments];
      const children = ids.flatMap((id) => things.filter((t) => t.data.name === id));
      return json(
        200,
        {
          kind: 'Listing',
          data: { after: null, dist: children.length, modhash: '', geo_filter: '', children, before: null },
        },
        rateHeaders(),
      );
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
      const headers = rateHeaders();
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
    comments,
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
          removed_by_category: null,
        },
      };
      links.push(link);
      return link;
    },
    addComment(c: { body: string; author?: string; link: FakeLink; created_utc: number }): FakeComment {
      seq++;
      const id = `c0m${seq}`;
      const author = c.author ?? `user${seq}`;
      const comment: FakeComment = {
        kind: 't1',
        data: {
          id,
          name: `t1_${id}`,
          body: c.body,
          author,
          author_fullname: `t2_${author}`,
          link_id: c.link.data.name,
          parent_id: c.link.data.name,
          permalink: `${c.link.data.permalink}${id}/`,
          created_utc: c.created_utc,
          subreddit: c.link.data.subreddit,
        },
      };
      comments.push(comment);
      return comment;
    },
    deleteByAuthor(name: string) {
      const thing = [...links, ...comments].find((t) => t.data.name === name);
      if (!thing) return;
      thing.data.author = '[deleted]';
      delete thing.data.author_fullname;
      if (thing.kind === 't1') thing.data.body = '[deleted]';
      else {
        if (thing.data.selftext !== '') thing.data.selftext = '[deleted]';
        thing.data.removed_by_category = 'deleted';
      }
    },
    remove(name: string, category = 'moderator') {
      const thing = [...links, ...comments].find((t) => t.data.name === name);
      if (!thing) return;
      if (thing.kind === 't1') {
        // A removed comment hides its author too.
        thing.data.author = '[deleted]';
        delete thing.data.author_fullname;
        thing.data.body = '[removed]';
      } else {
        if (thing.data.selftext !== '') thing.data.selftext = '[removed]';
        thing.data.removed_by_category = category;
      }
    },
    purge(name: string) {
      for (const list of [links, comments] as { data: { name: string } }[][]) {
        const i = list.findIndex((t) => t.data.name === name);
        if (i >= 0) list.splice(i, 1);
      }
    },
    revokeTokens() {
      tokens.clear();
    },
  });
}
