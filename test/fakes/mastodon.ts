// Fake Mastodon instance: public hashtag timelines (/api/v1/timelines/tag/:tag) and token-only
// search (/api/v2/search, statuses and accounts), with min_id / max_id paging, Link headers,
// X-RateLimit-* headers and Mastodon's {error} bodies. Single reads, anonymous:
// GET /api/v1/statuses/:id (404 "Record not found" for a deleted status, a suspended author's,
// or a non-public one), GET /api/v1/accounts/:id and /api/v1/accounts/lookup?acct= (a suspended
// account is served with `suspended: true`); `requireAuth` mimics instances refusing anonymous
// API calls (401). Statuses from another server can be `federate`d in with a local id.
import { json, startHttpFake, type FakeRequest, type HttpFake } from './http-fake.ts';

export interface FakeAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url: string;
}

export type FakeVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface FakeStatus {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  spoiler_text: string;
  language: string | null;
  visibility: FakeVisibility;
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
    visibility?: FakeVisibility;
  }): FakeStatus;
  /** A copy of a status of another server (`home`: that server's host), under a local id. */
  federate(status: FakeStatus, home: string): FakeStatus;
  /** The status is gone from this instance (deleted by its author, or a purged remote copy). */
  deleteStatus(id: string): void;
  /** Every account object with this acct is suspended here. */
  suspendAccount(acct: string): void;
  /** Anonymous API calls are refused with 401 (DISALLOW_UNAUTHENTICATED_API_ACCESS). */
  requireAuth: boolean;
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
  const suspended = new Set<string>();
  const state = { requireAuth: false };
  let url = '';
  const notFound = () => json(404, { error: 'Record not found' }, ratelimit());
  const renderAccount = (a: FakeAccount) =>
    suspended.has(a.acct) ? { ...a, display_name: '', suspended: true } : a;
  /** Every account that ever posted here (an account outlives its deleted statuses). */
  const posters: FakeAccount[] = [];
  const allAccounts = () => [...accounts, ...posters];

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
    const authed = req.headers.authorization === `Bearer ${opts.token}`;
    // The token's own account (Mastodon's "test this token" call); a wrong or missing token: 401.
    if (req.method === 'GET' && req.path === '/api/v1/accounts/verify_credentials') {
      if (!authed) return json(401, { error: 'The access token is invalid' });
      return json(
        200,
        {
          id: '1',
          username: 'vigie',
          acct: 'vigie',
          display_name: 'Vigie',
          url: `${url}/@vigie`,
          source: { privacy: 'public', sensitive: false, language: 'fr', note: '', fields: [] },
        },
        ratelimit(),
      );
    }
    if (state.requireAuth && !authed && req.path.startsWith('/api/'))
      return json(401, { error: 'This API requires an authenticated user' });
    const statusPath = /^\/api\/v1\/statuses\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && statusPath) {
      const status = statuses.find((s) => s.id === statusPath[1]);
      if (!status || suspended.has(status.account.acct)) return notFound();
      if (!authed && (status.visibility === 'private' || status.visibility === 'direct')) return notFound();
      return json(200, status, ratelimit());
    }
    if (req.method === 'GET' && req.path === '/api/v1/accounts/lookup') {
      const acct = req.query.get('acct') ?? '';
      const account = allAccounts().find((a) => a.acct === acct);
      return account ? json(200, renderAccount(account), ratelimit()) : notFound();
    }
    const accountPath = /^\/api\/v1\/accounts\/([0-9]+)$/.exec(req.path);
    if (req.method === 'GET' && accountPath) {
      const account = allAccounts().find((a) => a.id === accountPath[1]);
      return account ? json(200, renderAccount(account), ratelimit()) : notFound();
    }
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
  const out = Object.assign(fake, {
    statuses,
    accounts,
    requireAuth: false,
    federate(status: FakeStatus, home: string): FakeStatus {
      seq += 1000n;
      const copy: FakeStatus = {
        ...status,
        id: String(seq),
        account: {
          ...status.account,
          id: String(seq),
          acct: `${status.account.username}@${home}`,
        },
      };
      statuses.push(copy);
      posters.push(copy.account);
      return copy;
    },
    deleteStatus(id: string) {
      const i = statuses.findIndex((s) => s.id === id);
      if (i >= 0) statuses.splice(i, 1);
    },
    suspendAccount(acct: string) {
      suspended.add(acct);
    },
    addStatus(s: {
      content: string;
      tags?: string[];
      acct?: string;
      displayName?: string;
      spoiler?: string;
      visibility?: FakeVisibility;
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
        visibility: s.visibility ?? 'public',
        tags: (s.tags ?? []).map((name) => ({ name: name.toLowerCase() })),
        account,
        reblog: null,
      };
      statuses.push(status);
      posters.push(account);
      return status;
    },
  });
  // A live switch (Object.assign would copy a getter's value once).
  Object.defineProperty(out, 'requireAuth', {
    get: () => state.requireAuth,
    set: (v: boolean) => (state.requireAuth = v),
    enumerable: true,
  });
  return out;
}
