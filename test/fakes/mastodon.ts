// Fake Mastodon instance: public hashtag timelines (/api/v1/timelines/tag/:tag) and token-only
// search (/api/v2/search, statuses and accounts), with min_id / max_id paging, Link headers,
// X-RateLimit-* headers and Mastodon's {error} bodies.
import { json, startHttpFake, type FakeRequest, type HttpFake } from './http-fake.ts';

export interface FakeAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url: string;
}

export interface FakeStatus {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  spoiler_text: string;
  language: string | null;
  tags: { name: string }[];
  account: FakeAccount;
  reblog: null;
}

export interface FakeMastodon extends HttpFake {
  statuses: FakeStatus[];
  accounts: FakeAccount[];
  addStatus(s: {
    content: string;
    tags?: string[];
    acct?: string;
    displayName?: string;
    spoiler?: string;
  }): FakeStatus;
}

const ratelimit = () => ({
  'x-ratelimit-limit': '300',
  'x-ratelimit-remaining': '299',
  'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
});
const cmp = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

export async function startFakeMastodon(opts: { token: string }): Promise<FakeMastodon> {
  const statuses: FakeStatus[] = [];
  const accounts: FakeAccount[] = [];
  let url = '';

  /** Mastodon's paging: newest first; min_id = the page right after it; max_id / since_id = bounds. */
  function page(items: FakeStatus[], req: FakeRequest, path: string) {
    const limit = Math.min(Number(req.query.get('limit') ?? '20'), 40);
    const minId = req.query.get('min_id');
    const maxId = req.query.get('max_id');
    let list = [...items].sort((a, b) => cmp(b.id, a.id));
    if (maxId) list = list.filter((s) => cmp(s.id, maxId) < 0);
    if (minId)
      list = list
        .filter((s) => cmp(s.id, minId) > 0)
        .reverse()
        .slice(0, limit)
        .reverse();
    else list = list.slice(0, limit);
    const headers: Record<string, string> = ratelimit();
    if (list.length)
      headers.link = `<${url}${path}?max_id=${list[list.length - 1]!.id}>; rel="next", <${url}${path}?min_id=${list[0]!.id}>; rel="prev"`;
    return { list, headers };
  }

  const fake = await startHttpFake((req) => {
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && tag) {
      const name = decodeURIComponent(tag[1]!).toLowerCase();
      const { list, headers } = page(
        statuses.filter((s) => s.tags.some((t) => t.name === name)),
        req,
        req.path,
      );
      return json(200, list, headers);
    }
    if (req.method === 'GET' && req.path === '/api/v2/search') {
      if (req.headers.authorization !== `Bearer ${opts.token}`)
        return json(401, { error: 'The access token is invalid' });
      const q = (req.query.get('q') ?? '').toLowerCase();
      const type = req.query.get('type');
      if (type === 'accounts') {
        return json(
          200,
          {
            accounts: accounts.filter((a) =>
              `${a.acct} ${a.display_name}`.toLowerCase().includes(q.split(' ')[0]!),
            ),
            statuses: [],
            hashtags: [],
          },
          ratelimit(),
        );
      }
      const { list, headers } = page(
        statuses.filter((s) => s.content.toLowerCase().includes(q)),
        req,
        req.path,
      );
      return json(
        200,
        { accounts: [], statuses: type === 'statuses' || !type ? list : [], hashtags: [] },
        headers,
      );
    }
    return json(404, { error: 'Record not found' });
  });
  url = fake.url;
  let seq = 100_000_000_000_000_000n;
  return Object.assign(fake, {
    statuses,
    accounts,
    addStatus(s: {
      content: string;
      tags?: string[];
      acct?: string;
      displayName?: string;
      spoiler?: string;
    }): FakeStatus {
      seq += 1000n;
      const acct = s.acct ?? 'someone';
      const account: FakeAccount = {
        id: String(seq),
        username: acct.split('@')[0]!,
        acct,
        display_name: s.displayName ?? '',
        url: `${url}/@${acct}`,
      };
      const status: FakeStatus = {
        id: String(seq),
        uri: `${url}/users/${account.username}/statuses/${seq}`,
        url: `${url}/@${account.username}/${seq}`,
        created_at: new Date(Date.UTC(2026, 10, 1) + Number(seq % 1_000_000n)).toISOString(),
        content: s.content,
        spoiler_text: s.spoiler ?? '',
        language: 'fr',
        tags: (s.tags ?? []).map((name) => ({ name: name.toLowerCase() })),
        account,
        reblog: null,
      };
      statuses.push(status);
      return status;
    },
  });
}
