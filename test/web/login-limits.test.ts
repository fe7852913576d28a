import { afterEach, describe, expect, it } from 'vitest';
import { CookieJar, csrfFrom, makeFixture, PASSWORD, type Fixture } from './helpers.ts';
import { formatInZone } from '../../src/web/render/time-zone.ts';

// Two limits on signing in: per account (strict: five failures, then a doubling pause) and per
// client address (generous: people behind one address must not lock each other out). Past either,
// the sign-in page says which one, and at what local time to try again.

describe('sign-in limits per account and per address', () => {
  let f: Fixture;
  afterEach(async () => f?.close());

  async function attempt(email: string, password: string, headers: Record<string, string> = {}) {
    const jar = new CookieJar();
    const page = await f.app.inject({ method: 'GET', url: '/login', headers });
    jar.take(page.headers['set-cookie']);
    const cookie = [jar.header(), headers.cookie].filter(Boolean).join('; ');
    return f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email, password, _csrf: csrfFrom(page.body) }).toString(),
    });
  }

  /** The "try again at" time shown, and the minutes it may be (the answer's retry-after, ±1 min). */
  function retryShown(body: string, retryAfterSeconds: number, zone: string) {
    const shown = /<time datetime="[^"]+">([^<]+)<\/time> \(([^)]+)\)/.exec(body);
    const now = Date.now();
    const candidates = [-60_000, 0, 60_000].map((d) =>
      formatInZone(now + retryAfterSeconds * 1000 + d, zone).slice(11, 16),
    );
    return { shown: shown?.[1], zone: shown?.[2], candidates };
  }

  // With the default configuration: eight attempts from one address in a minute are nothing unusual.
  it('the owner locking their account out leaves the proxy at the same address free to sign in', async () => {
    f = await makeFixture({ watches: ['alice'] });
    await f.addUser('owner@example.org', 'owner', ['alice']);
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await attempt('owner@example.org', `typo-${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Same address (every inject comes from 127.0.0.1), other account: let in.
    expect((await attempt('proxy@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('per account: a French page in the layout that says the account is paused until a local time', async () => {
    f = await makeFixture({ watches: ['alice'] });
    await f.addUser('owner@example.org', 'owner', ['alice']);
    for (let i = 0; i < 5; i++) await attempt('owner@example.org', `typo-${i}`);
    const headers = { 'accept-language': 'fr-FR,fr;q=0.9', cookie: 'vigie_tz=America%2FNew_York' };
    const res = await attempt('owner@example.org', PASSWORD, headers);
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('Trop d&#39;échecs pour ce compte.');
    expect(res.body).not.toContain('adresse réseau');
    expect(res.body).toContain('name="email"');
    const r = retryShown(res.body, Number(res.headers['retry-after']), 'America/New_York');
    expect(r.zone).toBe('America/New_York');
    expect(r.candidates).toContain(r.shown);
  });

  it('per address: past the limit the sign-in page (not JSON) says so in the reader language and zone', async () => {
    f = await makeFixture({ watches: ['alice'], web: { loginAttemptsPerMinute: 3 } });
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    const headers = { 'accept-language': 'fr', cookie: 'vigie_tz=Asia%2FTokyo' };
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await attempt(`someone-${i}@example.org`, 'x', headers)).statusCode);
    expect(codes).toEqual([401, 401, 401]);
    const res = await attempt('proxy@example.org', PASSWORD, headers);
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Trop de tentatives de connexion depuis votre adresse réseau.');
    expect(res.body).toContain('Vous pourrez réessayer à');
    expect(res.body).toContain('name="password"');
    const r = retryShown(res.body, Number(res.headers['retry-after']), 'Asia/Tokyo');
    expect(r.zone).toBe('Asia/Tokyo');
    expect(r.candidates).toContain(r.shown);

    const en = await attempt('proxy@example.org', PASSWORD, { 'accept-language': 'en' });
    expect(en.statusCode).toBe(429);
    expect(en.body).toContain('Too many sign-in attempts from your network address.');
    expect(en.body).toContain('(UTC)');
  });
});
