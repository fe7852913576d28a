import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, makeFixture, postForm, type Fixture } from './helpers.ts';

const INSULT = { term: 'idiote', category: 'insult', severity: 2, start: 14, end: 20 };

describe('triage', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
  });
  afterEach(async () => f.close());

  it('hides hostile text until revealed; revealing writes the audit log and the custody log', async () => {
    const [hostile] = await f.addPosts('alice', [
      {
        text: 'Alice est une idiote finie',
        handle: 'troll',
        level: 'high',
        categories: ['insult'],
        matches: [INSULT],
      },
    ]);
    const [calm] = await f.addPosts('alice', [
      { text: 'Bravo Alice pour ce concert', handle: 'fan', level: 'none' },
    ]);
    const jar = await login(f.app, 'proxy@example.org');
    const before = await f.app.inject({ method: 'GET', url: '/triage', headers: { cookie: jar.header() } });
    expect(before.body).toContain('Bravo Alice pour ce concert');
    expect(before.body).not.toContain('idiote');
    expect(before.body).toContain('i****e'); // masked and blurred, never the word itself
    expect(before.body).toContain(`formaction="/posts/${hostile}/reveal"`);

    const res = await postForm(
      f.app,
      jar,
      `/posts/${hostile}/reveal`,
      { back: '/triage?watch=alice' },
      '/triage',
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/triage?watch=alice#post-${hostile}`);
    const after = await f.app.inject({ method: 'GET', url: '/triage', headers: { cookie: jar.header() } });
    expect(after.body).toContain('<mark class="hit" title="Insults">idiote</mark>');
    const audit = await f.all(
      `select actor, action, post_id, watch_id from audit_log where action = 'reveal'`,
    );
    expect(audit).toEqual([
      { actor: 'proxy@example.org', action: 'reveal', post_id: hostile, watch_id: 'alice' },
    ]);
    const viewed = await f.all(`select type, post_id, actor from evidence_events where type = 'viewed'`);
    expect(viewed).toEqual([{ type: 'viewed', post_id: hostile, actor: 'proxy@example.org' }]);
    expect(calm).toBeGreaterThan(0);

    // A new session starts shielded again.
    const other = await login(f.app, 'proxy@example.org');
    expect(
      (await f.app.inject({ method: 'GET', url: '/triage', headers: { cookie: other.header() } })).body,
    ).not.toContain('idiote');
  });

  it('filters by level, status, author, category, date and full text, and sorts worst first', async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2026, 10, 10, 12);
    await f.addPosts(
      'alice',
      [{ text: 'menace de mort', handle: 'hater', level: 'severe', categories: ['threat'] }],
      t0,
    );
    await f.addPosts(
      'alice',
      [{ text: 'tu es moche', handle: 'hater', level: 'medium', categories: ['insult'] }],
      t0 + day,
    );
    await f.addPosts('alice', [{ text: 'Élodie chante bien', handle: 'fan', level: 'none' }], t0 + 2 * day);
    const jar = await login(f.app, 'proxy@example.org');
    const ids = async (query: string) => {
      const html = (
        await f.app.inject({
          method: 'GET',
          url: `/triage?watch=alice&${query}${query.includes('sort=') ? '' : '&sort=newest'}`,
          headers: { cookie: jar.header() },
        })
      ).body;
      return [...html.matchAll(/id="post-(\d+)"/g)].map((m) => Number(m[1]));
    };
    const all = await ids('');
    expect(all).toHaveLength(3);
    const [fanPost, mediumPost, severePost] = all; // newest first
    expect(await ids('level=severe')).toEqual([severePost]);
    expect(await ids('author=%40hater')).toEqual([mediumPost, severePost]);
    expect(await ids('category=threat')).toEqual([severePost]);
    expect(await ids('q=elodie')).toEqual([fanPost]);
    expect(await ids('q=menace')).toEqual([severePost]);
    expect(await ids('from=2026-11-11&to=2026-11-11')).toEqual([mediumPost]);
    expect(await ids('sort=worst')).toEqual([severePost, mediumPost, fanPost]);
    await postForm(f.app, jar, '/triage/bulk', { action: 'ignored', ids: [String(fanPost)] }, '/triage');
    expect(await ids('status=ignored')).toEqual([fanPost]);
    expect(await ids('status=new')).toEqual([mediumPost, severePost]);
    // Operators typed in the search box are words, not FTS syntax.
    expect(
      (await f.app.inject({ method: 'GET', url: '/triage?q=%22%29+OR+*', headers: { cookie: jar.header() } }))
        .statusCode,
    ).toBe(200);
  });

  it('pages with a keyset cursor: every post once, in order, newest and worst first', async () => {
    const levels = ['low', 'medium', 'high', 'severe', 'none'];
    for (let i = 0; i < 120; i++)
      await f.addPosts('alice', [{ text: `post ${i}`, handle: `u${i % 7}`, level: levels[i % 5]! }]);
    const jar = await login(f.app, 'proxy@example.org');
    for (const sort of ['newest', 'worst']) {
      const seen: number[] = [];
      let url: string | null = `/triage?watch=alice&sort=${sort}`;
      let pages = 0;
      while (url && pages < 10) {
        const html = (await f.app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })).body;
        seen.push(...[...html.matchAll(/id="post-(\d+)"/g)].map((m) => Number(m[1])));
        const next = /<a href="([^"]+)" rel="next"/.exec(html);
        url = next ? next[1]!.replace(/&amp;/g, '&') : null;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(120);
      expect(new Set(seen).size).toBe(120);
      if (sort === 'newest') expect(seen).toEqual([...seen].sort((a, b) => b - a));
    }
  });

  it('bulk "reported" records where, when and the reference, and the detail page lists it', async () => {
    const ids = await f.addPosts('alice', [
      { text: 'a', handle: 'h', level: 'high' },
      { text: 'b', handle: 'h', level: 'high' },
    ]);
    const jar = await login(f.app, 'proxy@example.org');
    const res = await postForm(
      f.app,
      jar,
      '/triage/bulk',
      {
        action: 'report',
        ids: ids.map(String),
        channel: 'pharos',
        reportedAt: '2026-11-20',
        reference: 'PH-2026-42',
      },
      '/triage',
    );
    expect(res.statusCode).toBe(303);
    const rows = await f.all(
      'select post_id, channel, reference, reported_at from post_reports order by post_id',
    );
    expect(rows).toEqual(
      ids.map((id) => ({
        post_id: id,
        channel: 'pharos',
        reference: 'PH-2026-42',
        reported_at: Date.UTC(2026, 10, 20),
      })),
    );
    const status = await f.all('select status from post_reviews');
    expect(status).toEqual([{ status: 'reported' }, { status: 'reported' }]);
    const detail = await f.app.inject({
      method: 'GET',
      url: `/posts/${ids[0]}`,
      headers: { cookie: jar.header() },
    });
    expect(detail.body).toContain('PH-2026-42');
    expect(detail.body).toContain('PHAROS');
    const bad = await postForm(
      f.app,
      jar,
      '/triage/bulk',
      { action: 'report', ids: [String(ids[0])], channel: 'nowhere' },
      '/triage',
    );
    expect(bad.statusCode).toBe(400);
  });

  it('flagging for archiving is recorded on the post and in the audit log', async () => {
    const [id] = await f.addPosts('alice', [{ text: 'x', handle: 'h', level: 'medium' }]);
    const jar = await login(f.app, 'proxy@example.org');
    expect(
      (await postForm(f.app, jar, `/posts/${id}/archive`, { back: `/posts/${id}` }, `/posts/${id}`))
        .statusCode,
    ).toBe(303);
    const flag = await f.get<{ flagged: unknown }>(
      'select archive_flagged_at is not null as flagged from post_reviews where post_id = ?',
      id,
    );
    // A raw boolean reads 0/1 on SQLite, true/false on PostgreSQL.
    expect(Boolean(flag?.flagged)).toBe(true);
    expect(await f.all(`select action from audit_log where post_id = ?`, id)).toEqual([
      { action: 'flag_archive' },
    ]);
  });
});
