import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { login, makeFixture, postForm, type CookieJar, type Fixture } from './helpers.ts';
import { dossierFileName } from '../../src/web/dossier-download.ts';

// Counts, links and words of the overview, triage and authors pages agree with each other.

const idsOf = (html: string) =>
  [...html.matchAll(/<li class="post[^"]*" id="post-(\d+)"/g)].map((m) => Number(m[1]));

describe('triage counts, filters and words', () => {
  let f: Fixture;
  let jar: CookieJar;
  const get = async (url: string) =>
    (await f.app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })).body;
  const decode = (s: string) => s.replace(/&amp;/g, '&');

  beforeEach(async () => {
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice', 'bob']);
    jar = await login(f.app, 'proxy@example.org');
  });
  afterEach(async () => f.close());

  it('"needs review" counts exactly the posts its link lists, and says 1 post in the singular', async () => {
    const hostile = await f.addPosts(
      'alice',
      Array.from({ length: 8 }, (_, i) => ({ text: `insulte ${i}`, handle: `t${i}`, level: 'high' })),
    );
    // Eleven harmless posts: they are not "hostile posts not reviewed yet".
    await f.addPosts(
      'alice',
      Array.from({ length: 11 }, (_, i) => ({ text: `bonjour ${i}`, handle: `f${i}`, level: 'none' })),
    );
    const overview = await get('/');
    const card = /<a href="([^"]+)"><strong>(\d+)<\/strong> hostile posts not reviewed yet<\/a>/.exec(
      overview,
    );
    expect(card?.[2]).toBe('8');
    const listed = idsOf(await get(decode(card![1]!)));
    expect(listed.sort((a, b) => a - b)).toEqual([...hostile].sort((a, b) => a - b));

    // The "hostile" card's link lists as many posts as it says.
    const hostileCard = /<a href="([^"]+)"><strong>(\d+)<\/strong> hostile posts<\/a>/.exec(overview);
    expect(hostileCard?.[2]).toBe('8');
    expect(idsOf(await get(decode(hostileCard![1]!)))).toHaveLength(8);

    // Review seven: one left, in the singular, in both languages.
    await postForm(
      f.app,
      jar,
      '/triage/bulk',
      { action: 'reviewed', ids: hostile.slice(1).map(String) },
      '/triage',
    );
    const one = await get('/');
    expect(one).toMatch(/<strong>1<\/strong> hostile post not reviewed yet<\/a>/);
    expect(one).toMatch(/<strong>19<\/strong> posts stored/);
    const fr = (
      await f.app.inject({
        method: 'GET',
        url: '/',
        headers: { cookie: jar.header(), 'accept-language': 'fr' },
      })
    ).body;
    expect(fr).toMatch(/<strong>1<\/strong> message hostile pas encore vu<\/a>/);
    expect(fr).toMatch(/<strong>8<\/strong> messages hostiles<\/a>/);
  });

  it('the level filter means "at least"; proxies see the worst first by default, level then time', async () => {
    const t0 = Date.UTC(2026, 10, 10, 12);
    const [severeOld] = await f.addPosts('alice', [{ text: 'menace', level: 'severe' }], t0);
    const [high] = await f.addPosts('alice', [{ text: 'insulte', level: 'high' }], t0 + 1000);
    const [medium] = await f.addPosts('alice', [{ text: 'moche', level: 'medium' }], t0 + 2000);
    const [severeNew] = await f.addPosts('alice', [{ text: 'autre menace', level: 'severe' }], t0 + 3000);
    const [none] = await f.addPosts('alice', [{ text: 'bravo', level: 'none' }], t0 + 4000);
    expect(idsOf(await get('/triage?watch=alice&level=high'))).toEqual([severeNew, severeOld, high]);
    expect(idsOf(await get('/triage?watch=alice&level=severe'))).toEqual([severeNew, severeOld]);
    expect(idsOf(await get('/triage?watch=alice'))).toEqual([severeNew, severeOld, high, medium, none]);
    expect(idsOf(await get('/triage?watch=alice&sort=newest'))).toEqual([
      none,
      severeNew,
      medium,
      high,
      severeOld,
    ]);
    // Worst first pages with its keyset cursor through every post once, in the same order.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await f.deps.triage.list({ watchId: 'alice', sort: 'worst', limit: 2, cursor });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual([severeNew, severeOld, high, medium, none]);
  });

  it('search finds other forms of a word, in French and English', async () => {
    const [suicide] = await f.addPosts('alice', [
      { text: 'Alice Martin devrait se suicider', level: 'none' },
    ]);
    const [harcelement] = await f.addPosts('alice', [{ text: 'Le harcèlement continue', level: 'none' }]);
    const [harassed] = await f.addPosts('alice', [{ text: 'She was harassed again', level: 'none' }]);
    await f.addPosts('alice', [{ text: 'Rien à voir, un concert', level: 'none' }]);
    const search = async (q: string) => idsOf(await get(`/triage?watch=alice&q=${encodeURIComponent(q)}`));
    expect(await search('suicide')).toEqual([suicide]);
    expect(await search('harceler')).toEqual([harcelement]);
    expect(await search('harcèlement')).toEqual([harcelement]);
    expect(await search('harassment')).toEqual([harassed]);
    expect(await search('harassing')).toEqual([harassed]);
    // Every word must match; short words are searched as typed.
    expect(await search('suicide concert')).toEqual([]);
    expect(await search('se suicider')).toEqual([suicide]);
  });

  it('repeat offenders have two hostile posts or more; web pages without an author are grouped by site', async () => {
    await f.addPosts('alice', [
      { text: 'a', handle: 'twice', level: 'high' },
      { text: 'b', handle: 'twice', level: 'medium' },
      { text: 'c', handle: 'once', level: 'severe' },
      { text: 'd', handle: 'once', level: 'none' },
      { text: 'e', level: 'high', url: 'https://Blog.Example.net/2026/attaque' },
      { text: 'f', level: 'severe', url: 'https://blog.example.net/2026/encore' },
      { text: 'g', level: 'none', url: 'https://blog.example.net/2026/neutre' },
      { text: 'h', level: 'high', url: 'https://other.example.com/page' },
    ]);
    const page = await get('/authors?watch=alice');
    expect(page).toContain('@twice');
    expect(page).not.toContain('@once');
    expect(page).not.toContain('— <small>(web)');
    const site = /<a href="([^"]+)">blog\.example\.net<\/a>/.exec(page);
    expect(site).not.toBeNull();
    expect(page).not.toContain('other.example.com');
    const row = page.slice(page.indexOf('blog.example.net'));
    expect(/<td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td>/.exec(row)?.slice(1)).toEqual(['2', '3']);
    // The site's link lists its two hostile pages.
    expect(idsOf(await get(decode(site![1]!)))).toHaveLength(2);
  });

  it('an archived post is not offered "flag for archiving" again', async () => {
    const [id] = await f.addPosts('alice', [{ text: 'insulte', handle: 'x', level: 'high' }]);
    const button = `formaction="/posts/${id}/archive"`;
    expect(await get('/triage?watch=alice')).toContain(button);
    expect(await get(`/posts/${id}`)).toContain(button);
    await postForm(f.app, jar, `/posts/${id}/archive`, {}, `/posts/${id}`);
    expect(await get('/triage?watch=alice')).not.toContain(button);
    expect(await get(`/posts/${id}`)).not.toContain(button);
  });

  it('the dossier is named after the watch and its dates, also when the form sends no dates', async () => {
    const seen = Date.UTC(2026, 10, 1, 9);
    await f.addPosts('alice', [{ text: 'menace', handle: 'x', level: 'severe' }], seen);
    const res = await postForm(
      f.app,
      jar,
      '/exports',
      { watch: 'alice', from: '', to: '', minLevel: '' },
      '/exports',
    );
    expect(res.statusCode).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="vigie-dossier-alice-2026-11-01-${today}.zip"`,
    );
    const dated = await postForm(
      f.app,
      jar,
      '/exports',
      { watch: 'alice', from: '2026-11-01', to: '2026-12-07', minLevel: '' },
      '/exports',
    );
    expect(dated.headers['content-disposition']).toBe(
      'attachment; filename="vigie-dossier-alice-2026-11-01-2026-12-07.zip"',
    );
    // A watch without posts: from today to today.
    expect(
      await dossierFileName(
        { triage: f.deps.triage },
        { watch: 'bob', from: '', to: '' },
        Date.UTC(2026, 11, 7),
      ),
    ).toBe('vigie-dossier-bob-2026-12-07-2026-12-07.zip');
  });

  it('mark hostile keeps the scorer fields, counts, archives, and goes into the corrections and the dossier', async () => {
    const [missed] = await f.addPosts('alice', [
      { text: 'Alice devrait disparaître =cmd', handle: 'sly', level: 'none' },
    ]);
    const before = f.db.$client
      .prepare('select score, level, hostile, categories from posts where id = ?')
      .get(missed);
    const res = await postForm(
      f.app,
      jar,
      `/posts/${missed}/label`,
      { category: 'suicide_incitement' },
      `/posts/${missed}`,
    );
    expect(res.statusCode).toBe(303);
    // The scorer's fields are untouched; the label sits beside them.
    expect(
      f.db.$client.prepare('select score, level, hostile, categories from posts where id = ?').get(missed),
    ).toEqual(before);
    expect(await get(`/posts/${missed}`)).toContain(
      '<small class="human-label">marked hostile: Incitement to suicide</small>',
    );
    expect(await get('/triage?watch=alice')).toContain('marked hostile: Incitement to suicide');
    expect(await get('/')).toMatch(/<strong>1<\/strong> hostile post<\/a>/);
    expect(f.db.$client.prepare(`select requested_by from archives where post_id = ?`).get(missed)).toEqual({
      requested_by: 'proxy@example.org',
    });
    expect(
      f.db.$client
        .prepare(`select action, detail from audit_log where post_id = ? and action = 'mark_hostile'`)
        .get(missed),
    ).toEqual({ action: 'mark_hostile', detail: '{"category":"suicide_incitement"}' });
    // A category outside the list is refused.
    expect(
      (await postForm(f.app, jar, `/posts/${missed}/label`, { category: 'nonsense' }, `/posts/${missed}`))
        .statusCode,
    ).toBe(400);

    const csv = await f.app.inject({
      method: 'GET',
      url: '/exports/corrections?watch=alice&format=csv',
      headers: { cookie: jar.header() },
    });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${missed}","alice","web"`);
    expect(lines[1]).toContain(
      '"Alice devrait disparaître =cmd","none","0","","hostile","suicide_incitement","proxy@example.org"',
    );
    expect(lines[1]).toMatch(/"test"\s*$/);
    const jsonl = await f.app.inject({
      method: 'GET',
      url: '/exports/corrections?watch=alice&format=jsonl',
      headers: { cookie: jar.header() },
    });
    const item = JSON.parse(jsonl.body.trim()) as Record<string, unknown>;
    expect(item).toMatchObject({
      postId: missed,
      scorerLevel: 'none',
      humanLabel: 'hostile',
      humanCategory: 'suicide_incitement',
      lexiconVersion: 'test',
    });
    expect(
      f.db.$client.prepare(`select count(*) as n from audit_log where action = 'export_corrections'`).get(),
    ).toEqual({ n: 2 });
    // Behind login.
    expect(
      (await f.app.inject({ method: 'GET', url: '/exports/corrections?watch=alice' })).statusCode,
    ).not.toBe(200);

    const zip = await postForm(f.app, jar, '/exports', { watch: 'alice' }, '/exports');
    const files = unzipSync(new Uint8Array((zip as unknown as { rawPayload: Buffer }).rawPayload));
    const postsCsv = strFromU8(files['posts.csv']!);
    expect(postsCsv.split('\r\n')[0]).toContain('"human_label","human_category"');
    expect(postsCsv).toContain('"hostile","suicide_incitement"');
    expect(strFromU8(files['report.html']!)).toContain('suicide_incitement');

    // Taking the mark back removes it from the corrections.
    await postForm(f.app, jar, `/posts/${missed}/label`, { category: '' }, `/posts/${missed}`);
    expect(await f.deps.triage.corrections('alice')).toEqual([]);
  });
});
