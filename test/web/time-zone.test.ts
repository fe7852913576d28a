import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, csrfFrom, login, makeFixture, PASSWORD, postForm, type Fixture } from './helpers.ts';
import { formatInZone } from '../../src/web/render/time-zone.ts';

// Every date of the dashboard in the account's time zone: a post seen at a known UTC instant
// shows at that instant's local time, the zone is set by the browser at the first sign-in and
// can be changed under Account.

const SEEN = Date.UTC(2026, 2, 10, 12, 0); // 2026-03-10 12:00 UTC

describe('time zone of an account', () => {
  let f: Fixture;
  let postId: number;

  beforeAll(async () => {
    f = await makeFixture({ watches: ['alice'] });
    [postId] = (await f.addPosts(
      'alice',
      [{ text: 'Bonjour Alice', handle: 'fan', level: 'none' }],
      SEEN,
    )) as [number];
  });
  afterAll(async () => f.close());

  const zoneOf = (email: string) =>
    (
      f.db.$client.prepare('select time_zone as z from users where email = ?').get(email) as {
        z: string | null;
      }
    ).z;

  it('formats one instant in any zone given as a parameter', () => {
    expect(formatInZone(SEEN, 'UTC')).toBe('2026-03-10 12:00 UTC');
    expect(formatInZone(SEEN, 'Asia/Tokyo')).toBe('2026-03-10 21:00');
    expect(formatInZone(SEEN, 'America/New_York')).toBe('2026-03-10 08:00');
    expect(formatInZone(Date.UTC(2026, 6, 1, 12, 0), 'Europe/Paris')).toBe('2026-07-01 14:00');
  });

  it('a post at a known UTC instant shows in the account zone', async () => {
    await f.addUser('tokyo@example.org', 'proxy', ['alice']);
    f.db.$client.prepare(`update users set time_zone = 'Asia/Tokyo' where email = 'tokyo@example.org'`).run();
    const jar = await login(f.app, 'tokyo@example.org');
    const page = await f.app.inject({
      method: 'GET',
      url: `/posts/${postId}`,
      headers: { cookie: jar.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2026-03-10 21:00');
    expect(page.body).not.toContain('12:00 UTC');
    const triage = await f.app.inject({ method: 'GET', url: '/triage', headers: { cookie: jar.header() } });
    expect(triage.body).toContain('<time>2026-03-10 21:00</time>');
  });

  it('the first sign-in takes the zone the browser posts; a later one does not overwrite it', async () => {
    await f.addUser('new@example.org', 'proxy', ['alice']);
    const signIn = async (tz: string) => {
      const jar = new CookieJar();
      const page = await f.app.inject({ method: 'GET', url: '/login' });
      jar.take(page.headers['set-cookie']);
      const res = await f.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: 'new@example.org',
          password: PASSWORD,
          tz,
          _csrf: csrfFrom(page.body),
        }).toString(),
      });
      expect(res.statusCode).toBe(303);
      jar.take(res.headers['set-cookie']);
      return jar;
    };
    await signIn('Not/AZone');
    expect(zoneOf('new@example.org')).toBeNull();
    const jar = await signIn('America/New_York');
    expect(zoneOf('new@example.org')).toBe('America/New_York');
    await signIn('Asia/Tokyo');
    expect(zoneOf('new@example.org')).toBe('America/New_York');
    const page = await f.app.inject({
      method: 'GET',
      url: `/posts/${postId}`,
      headers: { cookie: jar.header() },
    });
    expect(page.body).toContain('2026-03-10 08:00');
  });

  it('the zone is edited under Account (audited); an unknown zone is refused and changes nothing', async () => {
    await f.addUser('edit@example.org', 'reviewer', ['alice']);
    const jar = await login(f.app, 'edit@example.org');
    const account = await f.app.inject({ method: 'GET', url: '/account', headers: { cookie: jar.header() } });
    expect(account.body).toContain('name="timeZone"');
    expect(account.body).toContain('<option value="Europe/Paris">');
    const ok = await postForm(f.app, jar, '/account/time-zone', { timeZone: 'Europe/Paris' }, '/account');
    expect(ok.statusCode).toBe(303);
    expect(zoneOf('edit@example.org')).toBe('Europe/Paris');
    expect(
      f.db.$client.prepare(`select detail from audit_log where action = 'user_time_zone'`).get(),
    ).toEqual({ detail: JSON.stringify({ timeZone: 'Europe/Paris' }) });
    const after = await f.app.inject({ method: 'GET', url: '/account', headers: { cookie: jar.header() } });
    expect(after.body).toContain('<option value="Europe/Paris" selected>');
    const bad = await postForm(f.app, jar, '/account/time-zone', { timeZone: 'Mars/Olympus' }, '/account');
    expect(bad.statusCode).toBe(400);
    expect(zoneOf('edit@example.org')).toBe('Europe/Paris');
  });
});
