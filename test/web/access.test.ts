import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/web/app.ts';
import { createUsersRepo } from '../../src/web/auth/users-repo.ts';
import { csrfFrom, CookieJar, login, makeFixture, postForm, type Fixture } from './helpers.ts';

// Routes reachable without a session: everything else must answer 401 (API) or send to /login.
const PUBLIC = new Set([
  'GET /healthz',
  'GET /login',
  'POST /login',
  'GET /set-password/:token',
  'POST /set-password/:token',
  'GET /setup/:token',
  'POST /setup/:token',
  'GET /invite/:token',
  'POST /invite/:token',
  'GET /unsubscribe',
  'POST /unsubscribe',
  'GET /static/*',
  'GET /api/v1/openapi.json',
]);

function sampleUrl(url: string): string {
  return url.replace(':id', '1').replace(':token', 'x'.repeat(40)).replace('*', 'vigie.css');
}

describe('access control', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => f.close());

  it('every registered route without a session answers 401 (API) or a redirect to /login (pages), except the public ones', async () => {
    const routes = registeredRoutes(f.app).flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map((m) => ({ method: m, url: r.url })),
    );
    const checked = routes.filter((r) => r.method !== 'HEAD');
    expect(checked.length).toBeGreaterThan(25);
    const publicSeen = new Set<string>();
    for (const r of checked) {
      const key = `${r.method} ${r.url}`;
      const res = await f.app.inject({
        method: r.method as 'GET',
        url: sampleUrl(r.url),
        ...(r.method === 'POST'
          ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' }
          : {}),
      });
      if (PUBLIC.has(key)) {
        publicSeen.add(key);
        expect(res.statusCode, key).not.toBe(401);
        expect(String(res.headers.location ?? ''), key).not.toMatch(/^\/login/);
        continue;
      }
      if (r.url.startsWith('/api/')) {
        expect(res.statusCode, key).toBe(401);
      } else {
        expect(res.statusCode, key).toBe(303);
        expect(String(res.headers.location), key).toMatch(/^\/login/);
      }
    }
    // The allow-list is exactly what is open: a public route that disappeared would show here.
    expect([...publicSeen].sort()).toEqual(
      [...PUBLIC].filter((k) => checked.some((r) => `${r.method} ${r.url}` === k)).sort(),
    );
  });

  it('every route of the dashboard declares its query or body, params and response schemas', () => {
    const ours = registeredRoutes(f.app).filter(
      (r) => !r.url.startsWith('/static') && !r.url.startsWith('/unsubscribe'),
    );
    for (const r of ours) {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      if (methods.includes('HEAD') && methods.length === 1) continue;
      const schema = (r.schema ?? {}) as Record<string, unknown>;
      const key = `${methods.join(',')} ${r.url}`;
      expect(schema.response, key).toBeDefined();
      if (methods.includes('GET')) expect(schema.querystring, key).toBeDefined();
      if (methods.includes('POST')) expect(schema.body, key).toBeDefined();
      if (r.url.includes(':')) expect(schema.params, key).toBeDefined();
    }
  });

  it('a reviewer can read and export but cannot triage, edit watches or read the audit log', async () => {
    await f.addUser('rev@example.org', 'reviewer', ['alice']);
    const [id] = await f.addPosts('alice', [{ text: 'tu es nulle', handle: 'troll', level: 'high' }]);
    const jar = await login(f.app, 'rev@example.org');
    expect(
      (await f.app.inject({ method: 'GET', url: '/triage', headers: { cookie: jar.header() } })).statusCode,
    ).toBe(200);
    expect(
      (await f.app.inject({ method: 'GET', url: '/exports', headers: { cookie: jar.header() } })).statusCode,
    ).toBe(200);
    expect((await postForm(f.app, jar, '/watches/alice', { names: 'Changed' })).statusCode).toBe(403);
    expect((await postForm(f.app, jar, '/watches', { id: 'new', names: 'X' })).statusCode).toBe(403);
    expect(
      (await postForm(f.app, jar, '/triage/bulk', { action: 'reviewed', ids: String(id) })).statusCode,
    ).toBe(403);
    expect((await postForm(f.app, jar, `/posts/${id}/status`, { status: 'ignored' })).statusCode).toBe(403);
    expect(
      (await f.app.inject({ method: 'GET', url: '/audit', headers: { cookie: jar.header() } })).statusCode,
    ).toBe(403);
    expect(
      (await f.app.inject({ method: 'GET', url: '/watches/alice/edit', headers: { cookie: jar.header() } }))
        .statusCode,
    ).toBe(403);
    expect(f.db.$client.prepare('select count(*) as n from post_reviews').get()).toEqual({ n: 0 });
  });

  it("a proxy cannot see another watch's posts, lists, authors, exports or API data", async () => {
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    const [bobPost] = await f.addPosts('bob', [{ text: 'secret about bob', handle: 'x', level: 'high' }]);
    const jar = await login(f.app, 'proxy@example.org');
    const get = (url: string) => f.app.inject({ method: 'GET', url, headers: { cookie: jar.header() } });
    expect((await get(`/posts/${bobPost}`)).statusCode).toBe(404);
    expect((await get('/triage?watch=bob')).statusCode).toBe(404);
    expect((await get('/authors?watch=bob')).statusCode).toBe(404);
    expect((await get('/authors.csv?watch=bob')).statusCode).toBe(404);
    expect((await get('/watches/bob/edit')).statusCode).toBe(404);
    expect((await postForm(f.app, jar, '/exports', { watch: 'bob' })).statusCode).toBe(404);
    expect((await postForm(f.app, jar, `/posts/${bobPost}/reveal`, {})).statusCode).toBe(404);
    expect(
      (await postForm(f.app, jar, '/triage/bulk', { action: 'reviewed', ids: String(bobPost) })).statusCode,
    ).toBe(404);
    expect((await postForm(f.app, jar, '/watches/bob', { names: 'Hijack' })).statusCode).toBe(404);
    const overview = await get('/');
    expect(overview.body).not.toContain('watch-bob');
    const token = await createUsersRepo(f.store).createApiToken(
      (await createUsersRepo(f.store).byEmail('proxy@example.org'))!.id,
      't',
    );
    const api = await f.app.inject({
      method: 'GET',
      url: '/api/v1/mentions?watch=bob',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(404);
    expect(api.body).not.toContain('secret about bob');
    const watches = await f.app.inject({
      method: 'GET',
      url: '/api/v1/watches',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(watches.json().items.map((w: { id: string }) => w.id)).toEqual(['alice']);
  });

  it('refuses a form post without a CSRF token, or with a forged one', async () => {
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const [id] = await f.addPosts('alice', [{ text: 'x', level: 'high' }]);
    const jar = await login(f.app, 'owner@example.org');
    const post = (payload: string) =>
      f.app.inject({
        method: 'POST',
        url: `/posts/${id}/status`,
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
    expect((await post('status=reviewed')).statusCode).toBe(403);
    expect((await post('status=reviewed&_csrf=forged-token')).statusCode).toBe(403);
    // The same request with the page's token goes through: the refusals above were about CSRF.
    expect((await postForm(f.app, jar, `/posts/${id}/status`, { status: 'reviewed' })).statusCode).toBe(303);
    // Login too: a cross-site login form post without the token is refused.
    const loginPost = await f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=owner%40example.org&password=whatever123',
    });
    expect(loginPost.statusCode).toBe(403);
  });

  it('rate-limits login attempts per address', async () => {
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const jar = new CookieJar();
    const page = await f.app.inject({ method: 'GET', url: '/login' });
    jar.take(page.headers['set-cookie']);
    const token = csrfFrom(page.body);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await f.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: 'owner@example.org',
          password: `wrong-password-${i}`,
          _csrf: token,
        }).toString(),
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const failed = f.db.$client
      .prepare(`select count(*) as n from audit_log where action = 'login_failed'`)
      .get() as { n: number };
    expect(failed.n).toBe(5);
  });
});
