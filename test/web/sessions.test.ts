import { afterEach, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { createUsersRepo } from '../../src/web/auth/users-repo.ts';
import { tokenHash } from '../../src/web/auth/tokens.ts';
import { csrfFrom, CookieJar, login, makeFixture, PASSWORD, postForm, type Fixture } from './helpers.ts';

describe('sessions and sign-in', () => {
  let f: Fixture;
  afterEach(async () => f.close());

  it('sets an HttpOnly SameSite=Strict session cookie, stores only its SHA-256, and logout revokes it', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const page = await f.app.inject({ method: 'GET', url: '/login' });
    const jar = new CookieJar();
    jar.take(page.headers['set-cookie']);
    const res = await f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: 'Owner@Example.org',
        password: 'correct horse battery',
        _csrf: csrfFrom(page.body),
      }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] as string[])
      .find((c) => c.startsWith('vigie_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http on the LAN
    jar.take(res.headers['set-cookie']);
    const token = jar.values.get('vigie_session')!;
    const stored = f.db.$client.prepare('select token_hash from sessions').all() as { token_hash: string }[];
    expect(stored).toEqual([{ token_hash: tokenHash(token) }]);
    expect(
      (await f.app.inject({ method: 'GET', url: '/', headers: { cookie: jar.header() } })).statusCode,
    ).toBe(200);

    const stolen = jar.header();
    expect((await postForm(f.app, jar, '/logout', {})).statusCode).toBe(303);
    const after = await f.app.inject({ method: 'GET', url: '/', headers: { cookie: stolen } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2F');
  });

  it('marks cookies Secure when configured for HTTPS', async () => {
    f = await makeFixture({ web: { secureCookies: 'always' } });
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const page = await f.app.inject({ method: 'GET', url: '/login' });
    expect(String(page.headers['set-cookie'])).toMatch(/Secure/);
    const jar = new CookieJar();
    jar.take(page.headers['set-cookie']);
    const res = await f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: 'owner@example.org',
        password: 'correct horse battery',
        _csrf: csrfFrom(page.body),
      }).toString(),
    });
    expect(
      ([] as string[])
        .concat(res.headers['set-cookie'] as string[])
        .find((c) => c.startsWith('vigie_session=')),
    ).toMatch(/; Secure/);
  });

  it('"log out everywhere" ends the other sessions too; an expired session is refused', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const laptop = await login(f.app, 'owner@example.org');
    const phone = await login(f.app, 'owner@example.org');
    expect(
      (await postForm(f.app, laptop, '/logout-everywhere', { password: PASSWORD }, '/account')).statusCode,
    ).toBe(303);
    expect(
      (await f.app.inject({ method: 'GET', url: '/', headers: { cookie: phone.header() } })).statusCode,
    ).toBe(303);

    const third = await login(f.app, 'owner@example.org');
    f.db.$client.prepare('update sessions set expires_at = ? where revoked_at is null').run(Date.now() - 1);
    expect(
      (await f.app.inject({ method: 'GET', url: '/', headers: { cookie: third.header() } })).statusCode,
    ).toBe(303);
  });

  it('with TOTP enabled, the password alone no longer signs in', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const jar = await login(f.app, 'owner@example.org');
    await postForm(f.app, jar, '/account/totp/start', {}, '/account');
    const secret = (
      await createUsersRepo(f.store).totp((await createUsersRepo(f.store).byEmail('owner@example.org'))!.id)
    ).pending!;
    expect(secret).toBeTruthy();
    expect(
      (await postForm(f.app, jar, '/account/totp/confirm', { code: '000000' }, '/account')).statusCode,
    ).toBe(400);
    expect(
      (await postForm(f.app, jar, '/account/totp/confirm', { code: await generate({ secret }) }, '/account'))
        .statusCode,
    ).toBe(303);

    await expect(login(f.app, 'owner@example.org')).rejects.toThrow(/401/);
    const page = await f.app.inject({ method: 'GET', url: '/login' });
    const j2 = new CookieJar();
    j2.take(page.headers['set-cookie']);
    const ok = await f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: j2.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: 'owner@example.org',
        password: 'correct horse battery',
        code: await generate({ secret }),
        _csrf: csrfFrom(page.body),
      }).toString(),
    });
    expect(ok.statusCode).toBe(303);
  });

  it('"log out everywhere" and turning the second factor off ask again for the password and a current code', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const users = createUsersRepo(f.store);
    const id = (await users.byEmail('owner@example.org'))!.id;
    const jar = await login(f.app, 'owner@example.org');
    const other = await login(f.app, 'owner@example.org');
    const stillIn = async (j: CookieJar) =>
      (await f.app.inject({ method: 'GET', url: '/', headers: { cookie: j.header() } })).statusCode === 200;

    // Without TOTP: the password is asked.
    for (const fields of [{}, { password: 'wrong' }] as Record<string, string>[]) {
      const res = await postForm(f.app, jar, '/logout-everywhere', fields, '/account');
      expect(res.headers.location).toBe('/account?reauth=failed');
    }
    expect(await stillIn(other)).toBe(true);

    // With TOTP: the session alone cannot turn it off, nor can the password without the code.
    await postForm(f.app, jar, '/account/totp/start', {}, '/account');
    const secret = (await users.totp(id)).pending!;
    await postForm(f.app, jar, '/account/totp/confirm', { code: await generate({ secret }) }, '/account');
    expect((await users.totp(id)).secret).toBe(secret);
    for (const fields of [
      {},
      { password: PASSWORD },
      { password: PASSWORD, code: '000000' },
      { password: 'wrong', code: await generate({ secret }) },
    ] as Record<string, string>[]) {
      const res = await postForm(f.app, jar, '/account/totp/disable', fields, '/account');
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain('nothing was changed');
      expect((await users.totp(id)).secret).toBe(secret);
    }
    // Starting over (a new secret that would replace this one) is refused while it is on.
    await postForm(f.app, jar, '/account/totp/start', {}, '/account');
    expect((await users.totp(id)).pending).toBeNull();
    const noCode = await postForm(f.app, jar, '/logout-everywhere', { password: PASSWORD }, '/account');
    expect(noCode.headers.location).toBe('/account?reauth=failed');
    expect(await stillIn(other)).toBe(true);
    expect(
      (
        f.db.$client.prepare(`select count(*) as n from audit_log where action = 'login_failed'`).get() as {
          n: number;
        }
      ).n,
    ).toBe(5); // the sixth wrong answer found the account paused: not even checked

    // The wrong answers above count as failed sign-ins: the account is now paused for a while.
    f.db.$client.prepare('update audit_log set at = at - 3600000').run();
    const off = await postForm(
      f.app,
      jar,
      '/account/totp/disable',
      { password: PASSWORD, code: await generate({ secret }) },
      '/account',
    );
    expect(off.statusCode).toBe(303);
    expect((await users.totp(id)).secret).toBeNull();
    const all = await postForm(f.app, jar, '/logout-everywhere', { password: PASSWORD }, '/account');
    expect(all.headers.location).toBe('/login');
    expect(await stillIn(other)).toBe(false);
  });

  it('changing the password asks for the current one, and ends every session', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const jar = await login(f.app, 'owner@example.org');
    const other = await login(f.app, 'owner@example.org');
    const newPassword = 'another long passphrase';
    const wrong = await postForm(
      f.app,
      jar,
      '/account/password',
      { password: 'nope', newPassword },
      '/account',
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('nothing was changed');
    const noCurrent = await postForm(f.app, jar, '/account/password', { newPassword }, '/account');
    expect(noCurrent.statusCode).toBe(400);
    const short = await postForm(
      f.app,
      jar,
      '/account/password',
      { password: PASSWORD, newPassword: 'short' },
      '/account',
    );
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('password too short');
    const ok = await postForm(
      f.app,
      jar,
      '/account/password',
      { password: PASSWORD, newPassword },
      '/account',
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/login');
    for (const j of [jar, other])
      expect(
        (await f.app.inject({ method: 'GET', url: '/', headers: { cookie: j.header() } })).statusCode,
      ).toBe(303);
    await expect(login(f.app, 'owner@example.org')).rejects.toThrow(/401/);
    expect(await login(f.app, 'owner@example.org', newPassword)).toBeInstanceOf(CookieJar);
  });

  it('a one-time set-password link works once, then is refused', async () => {
    f = await makeFixture();
    const users = createUsersRepo(f.store);
    const u = await users.upsert({ email: 'new@example.org', role: 'proxy', watchIds: ['alice'] });
    const token = await users.createPasswordLink(u.id, 3_600_000);
    const jar = new CookieJar();
    const page = await f.app.inject({ method: 'GET', url: `/set-password/${token}` });
    expect(page.statusCode).toBe(200);
    jar.take(page.headers['set-cookie']);
    const post = (password: string, csrf: string) =>
      f.app.inject({
        method: 'POST',
        url: `/set-password/${token}`,
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ password, _csrf: csrf }).toString(),
      });
    expect((await post('short', csrfFrom(page.body))).statusCode).toBe(400);
    expect((await post('a long enough password', csrfFrom(page.body))).statusCode).toBe(200);
    expect((await post('another long password', csrfFrom(page.body))).statusCode).toBe(404);
    await login(f.app, 'new@example.org', 'a long enough password');
  });

  it('answers in the browser language, and the account setting overrides it', async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const fr = await f.app.inject({
      method: 'GET',
      url: '/login',
      headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    expect(fr.body).toContain('Connexion');
    expect(fr.body).toContain('<html lang="fr">');
    const jar = await login(f.app, 'owner@example.org');
    const en = await f.app.inject({
      method: 'GET',
      url: '/help',
      headers: { cookie: jar.header(), 'accept-language': 'en' },
    });
    expect(en.body).toContain('File a complaint');
    await postForm(f.app, jar, '/account/lang', { lang: 'fr' }, '/account');
    const nowFr = await f.app.inject({
      method: 'GET',
      url: '/help',
      headers: { cookie: jar.header(), 'accept-language': 'en' },
    });
    expect(nowFr.body).toContain('Porter plainte');
    expect(nowFr.body).toContain('116 006');
  });
});
