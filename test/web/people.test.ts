import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CookieJar, makeFixture, login, postForm, type Fixture } from './helpers.ts';

describe('People: invitations and accounts', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
    await f.addUser('owner@example.org', 'owner', ['alice', 'bob']);
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    await f.addUser('reviewer@example.org', 'reviewer', ['alice']);
  });
  afterEach(async () => {
    await f.close();
  });

  const audit = () =>
    f.db.$client.prepare(`select actor, action, detail from audit_log order by id`).all() as {
      actor: string;
      action: string;
      detail: string | null;
    }[];

  it('a proxy invites a reviewer for their own watch only; the link works once and is never stored', async () => {
    const jar = await login(f.app, 'proxy@example.org');
    const res = await postForm(
      f.app,
      jar,
      '/people/invite',
      { email: 'New@Example.org', role: 'reviewer', watches: ['alice', 'bob'] },
      '/people',
    );
    expect(res.statusCode).toBe(200);
    const link = /id="invite-link" value="([^"]+)"/.exec(res.body)![1]!;
    const token = link.split('/invite/')[1]!;
    const invited = (await f.deps.users.byEmail('new@example.org'))!;
    // bob is not the proxy's watch: silently left out.
    expect(invited.watchIds).toEqual(['alice']);
    expect(invited.role).toBe('reviewer');
    const stored = JSON.stringify(f.db.$client.prepare(`select * from invitations`).all());
    expect(stored).not.toContain(token);
    expect(JSON.stringify(audit())).not.toContain(token);
    expect(audit().at(-1)).toMatchObject({ actor: 'proxy@example.org', action: 'invite' });
    // Pending in the list, with who invited and when it expires.
    const people = await f.app.inject({ method: 'GET', url: '/people', headers: { cookie: jar.header() } });
    expect(people.body).toMatch(
      /new@example\.org<\/td><td>reviewer<\/td><td>alice<\/td><td>proxy@example\.org<\/td><td>\d{4}-/,
    );
    // No password yet: cannot sign in.
    await expect(login(f.app, 'new@example.org', '')).rejects.toThrow();

    const accept = await f.app.inject({ method: 'GET', url: `/invite/${token}` });
    expect(accept.statusCode).toBe(200);
    const jar2 = new CookieJar();
    jar2.take(accept.headers['set-cookie']);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(accept.body)![1]!;
    const short = await f.app.inject({
      method: 'POST',
      url: `/invite/${token}`,
      headers: { cookie: jar2.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ password: 'short', _csrf: csrf }).toString(),
    });
    expect(short.statusCode).toBe(400);
    const done = await f.app.inject({
      method: 'POST',
      url: `/invite/${token}`,
      headers: { cookie: jar2.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ password: 'a long enough password', _csrf: csrf }).toString(),
    });
    expect(done.statusCode).toBe(303);
    expect((await f.app.inject({ method: 'GET', url: `/invite/${token}` })).statusCode).toBe(404);
    await login(f.app, 'new@example.org', 'a long enough password');
  });

  it('refuses reviewers, a watch the inviter lacks, and an e-mail already in use', async () => {
    const reviewer = await login(f.app, 'reviewer@example.org');
    expect(
      (await f.app.inject({ method: 'GET', url: '/people', headers: { cookie: reviewer.header() } }))
        .statusCode,
    ).toBe(403);
    const proxy = await login(f.app, 'proxy@example.org');
    const noWatch = await postForm(
      f.app,
      proxy,
      '/people/invite',
      { email: 'x@example.org', role: 'proxy', watches: 'bob' },
      '/people',
    );
    expect(noWatch.statusCode).toBe(400);
    expect(noWatch.body).toContain('choose at least one watch');
    const taken = await postForm(
      f.app,
      proxy,
      '/people/invite',
      { email: 'owner@example.org', role: 'proxy', watches: 'alice' },
      '/people',
    );
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('already exists');
    expect((await f.deps.users.byEmail('owner@example.org'))!.role).toBe('owner');
  });

  it('the owner revokes an invitation (the account goes) and disables an account (its sessions end)', async () => {
    const owner = await login(f.app, 'owner@example.org');
    await postForm(
      f.app,
      owner,
      '/people/invite',
      { email: 'gone@example.org', role: 'proxy', watches: 'bob' },
      '/people',
    );
    const id = (f.db.$client.prepare(`select id from invitations`).get() as { id: number }).id;
    expect((await postForm(f.app, owner, `/people/invitations/${id}/revoke`, {}, '/people')).statusCode).toBe(
      303,
    );
    expect(await f.deps.users.byEmail('gone@example.org')).toBeUndefined();

    const proxySession = await login(f.app, 'proxy@example.org');
    const proxyId = (await f.deps.users.byEmail('proxy@example.org'))!.id;
    // A proxy may not disable another proxy, nor the owner.
    const ownerId = (await f.deps.users.byEmail('owner@example.org'))!.id;
    expect(
      (await postForm(f.app, proxySession, `/people/${ownerId}/disable`, {}, '/people')).statusCode,
    ).toBe(404);
    expect((await postForm(f.app, owner, `/people/${proxyId}/disable`, {}, '/people')).statusCode).toBe(303);
    const after = await f.app.inject({
      method: 'GET',
      url: '/triage',
      headers: { cookie: proxySession.header() },
    });
    expect(after.statusCode).toBe(303);
    await expect(login(f.app, 'proxy@example.org')).rejects.toThrow();
    expect(audit().map((a) => a.action)).toEqual(
      expect.arrayContaining(['invite', 'invite_revoke', 'user_disable']),
    );
  });
});
