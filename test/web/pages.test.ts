import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsersRepo } from '../../src/web/auth/users-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { login, makeFixture, postForm, type Fixture } from './helpers.ts';

describe('pages', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
  });
  afterEach(async () => f.close());

  it('sends a strict CSP with a nonce, no unsafe-inline, frame-ancestors none and no-referrer', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/login' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]{32}'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*src=)/i);
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
  });

  it('post detail: matches highlighted, attacker text escaped, only http(s) links, custody events listed', async () => {
    const [id] = await f.addPosts('alice', [
      {
        text: '<b>Alice</b> sale conne',
        handle: 'tr"oll',
        name: '<img src=x>',
        level: 'high',
        categories: ['insult'],
        matches: [{ term: 'conne', category: 'insult', severity: 2, start: 18, end: 23 }],
        url: 'javascript:alert(1)',
      },
    ]);
    const jar = await login(f.app, 'owner@example.org');
    const hidden = await f.app.inject({
      method: 'GET',
      url: `/posts/${id}`,
      headers: { cookie: jar.header() },
    });
    expect(hidden.body).not.toContain('conne</mark>');
    expect(hidden.body).not.toContain('&quot;author&quot;'); // raw payload shielded too
    await postForm(f.app, jar, `/posts/${id}/reveal`, { back: `/posts/${id}` }, `/posts/${id}`);
    const page = await f.app.inject({
      method: 'GET',
      url: `/posts/${id}`,
      headers: { cookie: jar.header() },
    });
    expect(page.body).toContain(
      '&lt;b&gt;Alice&lt;/b&gt; sale <mark class="hit" title="Insults">conne</mark>',
    );
    expect(page.body).toContain('&lt;img src=x&gt;');
    expect(page.body).toContain('@tr&quot;oll');
    expect(page.body).not.toContain('href="javascript:');
    expect(page.body).toContain('&quot;author&quot;: &quot;tr\\&quot;oll&quot;');
    expect(page.body).toMatch(/<td data-label="What">captured<\/td>/);
    expect(page.body).toMatch(/<td data-label="What">viewed<\/td>/);
  });

  it('overview shows a dead source loudly with since when, and what needs review', async () => {
    await f.addPosts('alice', [
      { text: 'x', level: 'high' },
      { text: 'y', level: 'severe' },
    ]);
    const sources = createSourcesRepo(f.store);
    const since = Date.UTC(2026, 10, 20, 8, 30);
    await sources.recordFailure(f.sourceIds.alice!, since, 'HTTP 404 <script>');
    const jar = await login(f.app, 'owner@example.org');
    const page = await f.app.inject({
      method: 'GET',
      url: '/',
      headers: { cookie: jar.header(), 'accept-language': 'en' },
    });
    expect(page.body).toMatch(/class="source dead"/);
    expect(page.body).toContain('NOT WORKING since');
    expect(page.body).toContain('2026-11-20 08:30 UTC');
    expect(page.body).toContain('HTTP 404 &lt;script&gt;');
    expect(page.body).toMatch(/<strong>2<\/strong> hostile posts not reviewed yet/);
    expect(page.body).toContain('<svg class="chart"');
  });

  it('the block list CSV neutralises formula injection in handles and names', async () => {
    await f.addPosts('alice', [
      { text: 'a', handle: '=HYPERLINK("http://evil")', name: '+cmd|calc', level: 'high' },
      { text: 'a2', handle: '=HYPERLINK("http://evil")', name: '+cmd|calc', level: 'high' },
      { text: 'a3', handle: '=HYPERLINK("http://evil")', name: '+cmd|calc', level: 'high' },
      { text: 'b', handle: 'plain_troll', name: '@SUM(A1)', level: 'severe' },
      { text: 'c', handle: 'plain_troll', name: '@SUM(A1)', level: 'medium' },
    ]);
    const jar = await login(f.app, 'owner@example.org');
    const res = await f.app.inject({
      method: 'GET',
      url: '/authors.csv?watch=alice',
      headers: { cookie: jar.header() },
    });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      '"platform","handle","name","hostile_posts","posts","worst_level","last_seen","site"',
    );
    expect(lines[1]).toMatch(/^"web","'=HYPERLINK\(""http:\/\/evil""\)","'\+cmd\|calc","3","3","high",/);
    expect(lines[2]).toMatch(/^"web","plain_troll","'@SUM\(A1\)","2","2","severe",/);
    for (const line of lines.slice(1))
      for (const cell of line.split('","')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
  });

  it('watch edits are validated with the config schema and saved as the stored definition', async () => {
    const jar = await login(f.app, 'owner@example.org');
    const bad = await postForm(
      f.app,
      jar,
      '/watches/alice',
      { names: 'Alice Martin', feeds: 'not a url', schedule: 'every minute' },
      '/watches/alice/edit',
    );
    expect(bad.statusCode).toBe(400);
    // Each error names the field as the form labels it, and the line of a list.
    expect(bad.body).toContain('Feeds (one address per line) (line 1): not accepted');
    expect(bad.body).toContain('Polling schedule (cron): not accepted');
    const ok = await postForm(
      f.app,
      jar,
      '/watches/alice',
      {
        names: 'Alice Martin\nAlice M.',
        xSearch: '"Alice Martin"',
        feeds: 'https://news.example.org/a.xml',
        flag: 'sorcière;insult;2',
        never: 'martin-pêcheur',
        recipients: 'proxy@example.org proxy fr daily',
        schedule: '*/10 * * * *',
        archiveMinLevel: 'high',
      },
      '/watches/alice/edit',
    );
    expect(ok.statusCode).toBe(303);
    const row = f.db.$client.prepare('select definition from watches where id = ?').get('alice') as {
      definition: string;
    };
    const def = JSON.parse(row.definition);
    expect(def.names).toEqual(['Alice Martin', 'Alice M.']);
    expect(def.x).toEqual({ search: '"Alice Martin"' });
    expect(def.feeds).toEqual(['https://news.example.org/a.xml']);
    expect(def.words.flag).toEqual([{ term: 'sorcière', category: 'insult', severity: 2 }]);
    expect(def.recipients[0]).toMatchObject({
      email: 'proxy@example.org',
      role: 'proxy',
      language: 'fr',
      digest: 'daily',
    });
    expect(def.archiveMinLevel).toBe('high');
    // The alerts module reads its recipients table: the edit reached it. The owner's account,
    // given this watch, is one of its recipients too (one person, one entry).
    expect(
      f.db.$client
        .prepare('select watch_id, email, role from recipients where removed_at is null order by email')
        .all(),
    ).toEqual([
      { watch_id: 'alice', email: 'owner@example.org', role: 'owner' },
      { watch_id: 'alice', email: 'proxy@example.org', role: 'proxy' },
    ]);
    const sources = f.db.$client
      .prepare('select kind, target, enabled from sources where watch_id = ? order by id')
      .all('alice');
    expect(sources).toEqual([
      { kind: 'feed', target: 'https://feeds.example.org/alice.xml', enabled: 0 },
      { kind: 'x_search', target: '"Alice Martin"', enabled: 1 },
      { kind: 'feed', target: 'https://news.example.org/a.xml', enabled: 1 },
    ]);
    expect(
      f.db.$client.prepare(`select action, watch_id from audit_log where action like 'watch%'`).all(),
    ).toEqual([{ action: 'watch_edit', watch_id: 'alice' }]);

    const created = await postForm(f.app, jar, '/watches', { id: 'carol', names: 'Carol' }, '/watches/new');
    expect(created.statusCode).toBe(303);
    const ids = (await createUsersRepo(f.store).byEmail('owner@example.org'))!.watchIds;
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe('alice');
    expect(ids[1]).toMatch(/^carol-[0-9a-f]{8}$/);
    expect(created.headers.location).toBe(`/watches/${ids[1]}/edit?saved=1`);
  });

  it('creating a watch never tells whether another watch holds the id typed', async () => {
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    const jar = await login(f.app, 'proxy@example.org');
    // "bob" is another person's watch on this install; "zed" is free.
    const taken = await postForm(f.app, jar, '/watches', { id: 'bob', names: 'B' }, '/watches/new');
    const free = await postForm(f.app, jar, '/watches', { id: 'zed', names: 'Z' }, '/watches/new');
    expect([taken.statusCode, free.statusCode]).toEqual([303, 303]);
    expect(String(taken.headers.location)).toMatch(/^\/watches\/bob-[0-9a-f]{8}\/edit\?saved=1$/);
    expect(String(free.headers.location)).toMatch(/^\/watches\/zed-[0-9a-f]{8}\/edit\?saved=1$/);
    expect(taken.body).not.toMatch(/exists/);
    // Bob's watch is untouched and still not this proxy's.
    const bob = f.db.$client.prepare(`select definition from watches where id = 'bob'`).get() as {
      definition: string;
    };
    expect(JSON.parse(bob.definition).names).toEqual(['Alice Martin']);
    expect((await createUsersRepo(f.store).byEmail('proxy@example.org'))!.watchIds).not.toContain('bob');
  });

  it("an owner's API token gets no text a proxy has not marked harmless (a scorer miss included), unless it asks to reveal (audited)", async () => {
    const [hostile, calm] = await f.addPosts('alice', [
      {
        text: 'Alice tu es une idiote',
        level: 'high',
        categories: ['insult'],
        matches: [{ term: 'idiote', category: 'insult', severity: 2, start: 16, end: 22 }],
      },
      { text: 'bravo Alice', level: 'none' },
    ]);
    const users = createUsersRepo(f.store);
    const ownerToken = await users.createApiToken((await users.byEmail('owner@example.org'))!.id, 'owner');
    const get = (url: string, token: string) =>
      f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const items = (await get('/api/v1/mentions?watch=alice', ownerToken)).json().items as {
      id: number;
      text: string;
      shielded?: boolean;
    }[];
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(hostile!)!.text).toBe('');
    expect(byId.get(hostile!)!.shielded).toBe(true);
    // Scored `none`, but nobody read it yet: withheld all the same.
    expect(byId.get(calm!)!.text).toBe('');
    expect(byId.get(calm!)!.shielded).toBe(true);
    // A proxy reads it and marks it harmless: the owner's token now reads it.
    const proxyId = await f.addUser('proxy@example.org', 'proxy', ['alice']);
    await f.deps.triage.setStatus([calm!], 'harmless', proxyId);
    const after = (await get('/api/v1/mentions?watch=alice', ownerToken)).json().items as typeof items;
    expect(after.find((i) => i.id === calm)).toMatchObject({ text: 'bravo Alice', shielded: false });
    expect(after.find((i) => i.id === hostile)!.text).toBe('');
    const reveals = (postId?: number) =>
      (
        f.db.$client
          .prepare(
            `select count(*) as n from audit_log where action = 'reveal' and (? is null or post_id = ?)`,
          )
          .get(postId ?? null, postId ?? null) as {
          n: number;
        }
      ).n;
    expect(reveals()).toBe(0);
    const revealed = (await get('/api/v1/mentions?watch=alice&reveal=true', ownerToken)).json().items as {
      id: number;
      text: string;
    }[];
    expect(revealed.find((i) => i.id === hostile)!.text).toBe('Alice tu es une idiote');
    expect(reveals(hostile)).toBe(1);
    // What a proxy cleared needs no reveal.
    expect(reveals(calm)).toBe(0);
    // A proxy's token reads as before.
    const proxyToken = await users.createApiToken((await users.byEmail('proxy@example.org'))!.id, 'proxy');
    const proxyItems = (await get('/api/v1/mentions?watch=alice', proxyToken)).json().items as {
      id: number;
      text: string;
    }[];
    expect(proxyItems.find((i) => i.id === hostile)!.text).toBe('Alice tu es une idiote');
  });

  it('a feed URL to this machine, a private address or with credentials is refused on its field when saved', async () => {
    const jar = await login(f.app, 'owner@example.org');
    const hostile = [
      'http://127.0.0.1:8080/admin',
      'http://localhost/feed',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/rss',
      'https://user:secret@feeds.example.org/x.xml',
    ];
    for (const feed of hostile) {
      const res = await postForm(
        f.app,
        jar,
        '/watches/alice',
        { names: 'Alice', feeds: feed },
        '/watches/alice/edit',
      );
      expect(res.statusCode, feed).toBe(400);
      expect(res.body, feed).toMatch(/feeds\.0: [^<]*(not allowed)/);
      const created = await postForm(
        f.app,
        jar,
        '/watches',
        { id: 'evil', names: 'E', feeds: feed },
        '/watches/new',
      );
      expect(created.statusCode, feed).toBe(400);
    }
    const row = f.db.$client.prepare('select definition from watches where id = ?').get('alice') as {
      definition: string;
    };
    expect(JSON.parse(row.definition).feeds).toEqual(['https://feeds.example.org/alice.xml']);
    expect(f.db.$client.prepare(`select id from watches where id = 'evil'`).all()).toEqual([]);
  });

  it('an intranet feed is accepted when network.allowPrivateAddresses is set', async () => {
    const g = await makeFixture({ network: { allowPrivateAddresses: true } });
    try {
      await g.addUser('owner@example.org', 'owner', ['alice']);
      const jar = await login(g.app, 'owner@example.org');
      const res = await postForm(
        g.app,
        jar,
        '/watches/alice',
        { names: 'Alice', feeds: 'http://10.0.0.5/rss' },
        '/watches/alice/edit',
      );
      expect(res.statusCode).toBe(303);
      const bad = await postForm(
        g.app,
        jar,
        '/watches/alice',
        { names: 'Alice', feeds: 'http://169.254.169.254/latest/' },
        '/watches/alice/edit',
      );
      expect(bad.statusCode).toBe(400);
    } finally {
      await g.close();
    }
  });

  it('the JSON API answers with a token, refuses the cookie, and is described by OpenAPI', async () => {
    await f.addPosts('alice', [{ text: 'hello', handle: 'h', level: 'low' }]);
    const users = createUsersRepo(f.store);
    const token = await users.createApiToken((await users.byEmail('owner@example.org'))!.id, 'test');
    const ok = await f.app.inject({
      method: 'GET',
      url: '/api/v1/mentions?watch=alice&limit=10',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    // An owner's token: the text is withheld until a proxy marks it harmless (see the test above).
    expect(ok.json()).toMatchObject({
      items: [{ text: '', shielded: true, level: 'low', status: 'new', watchId: 'alice' }],
      next: null,
    });
    const jar = await login(f.app, 'owner@example.org');
    expect(
      (await f.app.inject({ method: 'GET', url: '/api/v1/mentions', headers: { cookie: jar.header() } }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await f.app.inject({
          method: 'GET',
          url: '/api/v1/mentions',
          headers: { authorization: 'Bearer vigie_forged' },
        })
      ).statusCode,
    ).toBe(401);
    const doc = (await f.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/exports',
      '/api/v1/mentions',
      '/api/v1/openapi.json',
      '/api/v1/watches',
    ]);
    expect(doc.paths['/api/v1/mentions'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'cursor',
    );
    expect(doc.paths['/api/v1/exports'].post.requestBody).toBeDefined();
  });

  it('exports: the dossier for a period downloads as a zip, written to the audit and custody logs', async () => {
    await f.addPosts('alice', [{ text: 'menace', handle: 'h', level: 'severe', categories: ['threat'] }]);
    const jar = await login(f.app, 'owner@example.org');
    const res = await postForm(
      f.app,
      jar,
      '/exports',
      { watch: 'alice', from: '2026-01-01', to: '2030-12-31', minLevel: 'low' },
      '/exports',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(String(res.headers['content-disposition'])).toMatch(
      /attachment; filename="vigie-dossier-alice-2026-01-01-2030-12-31\.zip"/,
    );
    expect(res.body.slice(0, 2)).toBe('PK');
    expect(
      f.db.$client.prepare(`select action, watch_id from audit_log where action = 'export'`).all(),
    ).toEqual([{ action: 'export', watch_id: 'alice' }]);
    expect(
      f.db.$client.prepare(`select count(*) as n from evidence_events where type = 'exported'`).get(),
    ).toEqual({ n: 1 });
    expect(
      (await postForm(f.app, jar, '/exports', { watch: 'alice', from: 'yesterday' }, '/exports')).statusCode,
    ).toBe(400);
  });

  it('flag for archiving creates a pending archive row for the evidence module', async () => {
    const [id] = await f.addPosts('alice', [{ text: 'x', handle: 'h', level: 'low' }]);
    const jar = await login(f.app, 'owner@example.org');
    await postForm(f.app, jar, '/triage/bulk', { action: 'archive', ids: [String(id)] }, '/triage');
    expect(
      f.db.$client.prepare('select status, requested_by from archives where post_id = ?').get(id),
    ).toEqual({ status: 'pending', requested_by: 'owner@example.org' });
    const detail = await f.app.inject({
      method: 'GET',
      url: `/posts/${id}`,
      headers: { cookie: jar.header() },
    });
    expect(detail.body).toMatch(/<dd>\s*waiting/);
  });

  it('a watch edited in the dashboard gets its new poll schedule without a restart', async () => {
    let changed = 0;
    const g = await makeFixture({ onWatchesChanged: async () => void changed++ });
    try {
      await g.addUser('owner2@example.org', 'owner', ['alice']);
      const jar = await login(g.app, 'owner2@example.org');
      const ok = await postForm(
        g.app,
        jar,
        '/watches/alice',
        { names: 'Alice Martin', schedule: '*/10 * * * *' },
        '/watches/alice/edit',
      );
      expect(ok.statusCode).toBe(303);
      expect(changed).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('flag for archiving starts the archive job at once instead of waiting for the sweep', async () => {
    const enqueued: { kind: string; payload: unknown; jobId?: string }[] = [];
    const g = await makeFixture({
      queue: {
        enqueue: async (kind, payload, opts) => void enqueued.push({ kind, payload, jobId: opts?.jobId }),
      },
    });
    try {
      const [id] = await g.addPosts('alice', [{ text: 'x', handle: 'h', level: 'low' }]);
      await g.addUser('proxy@example.org', 'proxy', ['alice']);
      const jar = await login(g.app, 'proxy@example.org');
      await postForm(g.app, jar, '/triage/bulk', { action: 'archive', ids: [String(id)] }, '/triage');
      expect(enqueued).toEqual([
        { kind: 'archive', payload: { postIds: [id] }, jobId: `archive:post:${id}` },
        // And its local capture (PNG, PDF, WARC), on by default.
        { kind: 'capture', payload: { postIds: [id] }, jobId: `capture:post:${id}` },
      ]);
    } finally {
      await g.close();
    }
  });
});
