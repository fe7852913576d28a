import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.ts';
import { testDeps } from '../helpers/deps.ts';
import { CookieJar, csrfFrom } from './helpers.ts';

const PASSWORD = 'correct horse battery';

async function setupApp(raw: Record<string, unknown> = {}) {
  const t = await testDeps(raw);
  const app = await buildApp({ ...t.deps });
  await app.ready();
  return {
    ...t,
    app,
    close: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}

/** GETs the setup page (from `remoteAddress`) and posts the form with its CSRF token. */
async function submitSetup(
  app: FastifyInstance,
  token: string,
  fields: Record<string, string>,
  opts: { remoteAddress?: string; lang?: string } = {},
) {
  const jar = new CookieJar();
  const headers = { 'accept-language': opts.lang ?? 'en' };
  const page = await app.inject({
    method: 'GET',
    url: `/setup/${token}`,
    headers,
    remoteAddress: opts.remoteAddress,
  });
  jar.take(page.headers['set-cookie']);
  // A refused page has no form: take a CSRF token from the login page, so the POST reaches the route.
  let csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) {
    const login = await app.inject({ method: 'GET', url: '/login', remoteAddress: opts.remoteAddress });
    jar.take(login.headers['set-cookie']);
    csrf = csrfFrom(login.body);
  }
  const res = await app.inject({
    method: 'POST',
    url: `/setup/${token}`,
    remoteAddress: opts.remoteAddress,
    headers: { ...headers, cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
  });
  jar.take(res.headers['set-cookie']);
  return { page, res, jar };
}

const goodForm = {
  email: 'Owner@Example.org',
  password: PASSWORD,
  names: 'Alice Martin\nAlice M.',
  feeds: 'https://feeds.example.org/alice.xml',
};

describe('first-run setup page', () => {
  let ctx: Awaited<ReturnType<typeof setupApp>> | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('creates the owner and the first watch, signs the owner in, and is gone afterwards', async () => {
    ctx = await setupApp();
    const token = ctx.deps.setupGate.issue();
    const { page, res, jar } = await submitSetup(ctx.app, token, goodForm);
    expect(page.statusCode).toBe(200);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/settings\?welcome=1/);
    const owner = (await ctx.deps.users.byEmail('owner@example.org'))!;
    expect(owner.role).toBe('owner');
    expect(owner.watchIds).toHaveLength(1);
    const watch = (await ctx.deps.watches.get(owner.watchIds[0]!))!;
    expect(watch.definition.names).toEqual(['Alice Martin', 'Alice M.']);
    expect((await ctx.deps.sources.listEnabled(watch.id)).map((s) => s.kind)).toEqual(['feed']);
    // Signed in at once: the settings page answers with the session cookie.
    const settings = await ctx.app.inject({
      method: 'GET',
      url: '/settings',
      headers: { cookie: jar.header() },
    });
    expect(settings.statusCode).toBe(200);
    // The token is used up, and with an account the page is gone whatever the token.
    expect((await ctx.app.inject({ method: 'GET', url: `/setup/${token}` })).statusCode).toBe(404);
    const fresh = ctx.deps.setupGate.issue();
    const again = await submitSetup(ctx.app, fresh, { ...goodForm, email: 'intruder@example.org' });
    expect(again.page.statusCode).toBe(404);
    expect(again.res.statusCode).toBe(404);
    expect(await ctx.deps.users.byEmail('intruder@example.org')).toBeUndefined();
  });

  it('refuses a request from another machine unless web.setupFromAnyAddress is set', async () => {
    ctx = await setupApp();
    const token = ctx.deps.setupGate.issue();
    const remote = await submitSetup(ctx.app, token, goodForm, { remoteAddress: '203.0.113.7' });
    expect(remote.page.statusCode).toBe(403);
    expect(remote.page.body).toContain('only answers on the machine Vigie runs on');
    expect(remote.res.statusCode).toBe(403);
    expect(await ctx.deps.users.list()).toHaveLength(0);
    // IPv6 loopback is this machine too.
    const v6 = await ctx.app.inject({ method: 'GET', url: `/setup/${token}`, remoteAddress: '::1' });
    expect(v6.statusCode).toBe(200);
    await ctx.close();

    ctx = await setupApp({ web: { setupFromAnyAddress: true } });
    const open = ctx.deps.setupGate.issue();
    const ok = await submitSetup(ctx.app, open, goodForm, { remoteAddress: '203.0.113.7' });
    expect(ok.res.statusCode).toBe(303);
    expect(await ctx.deps.users.list()).toHaveLength(1);
  });

  it('refuses an expired, a wrong and a reused token', async () => {
    ctx = await setupApp();
    const expired = ctx.deps.setupGate.issue(Date.now() - 3_600_001);
    const old = await submitSetup(ctx.app, expired, goodForm);
    expect(old.page.statusCode).toBe(404);
    expect(old.page.body).toContain('invalid, used or expired');
    expect(old.res.statusCode).toBe(404);
    expect(await ctx.deps.users.list()).toHaveLength(0);

    const token = ctx.deps.setupGate.issue();
    // Issuing a new link replaces the older one.
    expect((await ctx.app.inject({ method: 'GET', url: `/setup/${expired}` })).statusCode).toBe(404);
    const wrong = await ctx.app.inject({ method: 'GET', url: `/setup/${token.slice(0, -2)}xx` });
    expect(wrong.statusCode).toBe(404);
    expect((await submitSetup(ctx.app, token, goodForm)).res.statusCode).toBe(303);
    expect(ctx.deps.setupGate.valid(token)).toBe(false);
  });

  it('keeps everything typed and words field errors in the reader language', async () => {
    ctx = await setupApp();
    const token = ctx.deps.setupGate.issue();
    const { res } = await submitSetup(
      ctx.app,
      token,
      {
        email: 'pas-une-adresse',
        password: 'court',
        names: 'Alice',
        xHandle: 'not a handle!',
        smtpPort: 'abc',
        smtpHost: 'mail.example.org',
      },
      { lang: 'fr' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('ce n&#39;est pas une adresse e-mail');
    expect(res.body).toContain('Compte X à surveiller');
    expect(res.body).toContain('value="pas-une-adresse"');
    expect(res.body).toContain('value="mail.example.org"');
    expect(await ctx.deps.users.list()).toHaveLength(0);
    // Nothing was used up: the same link still works.
    expect((await submitSetup(ctx.app, token, goodForm)).res.statusCode).toBe(303);
  });

  it('the login page points to the setup link while no account exists', async () => {
    ctx = await setupApp();
    const before = await ctx.app.inject({ method: 'GET', url: '/login' });
    expect(before.body).toContain('No account exists yet');
    await ctx.deps.users.upsert({ email: 'o@example.org', role: 'owner', watchIds: [] });
    const after = await ctx.app.inject({ method: 'GET', url: '/login' });
    expect(after.body).not.toContain('No account exists yet');
  });
});
