import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.ts';
import { hashPassword } from '../../src/web/auth/passwords.ts';
import { testDeps } from '../helpers/deps.ts';
import { login, postForm, PASSWORD, type CookieJar } from './helpers.ts';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky.ts';
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon.ts';
import { startFakeReddit, type FakeReddit } from '../fakes/reddit.ts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';

const X_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAx-bearer-token-4f2a';
const BSKY_PASSWORD = 'abcd-efgh-ijkl-mnop';
const MASTODON_TOKEN = 'mastodon-token-0123456789-9z8y';
const REDDIT_SECRET = 'reddit-secret-abcdefghij-7k6l';
const SMTP_PASS = 'smtp-password-never-shown';

describe('settings from the dashboard', () => {
  let t: Awaited<ReturnType<typeof testDeps>>;
  let app: FastifyInstance;
  let jar: CookieJar;
  let x: FakeXApi;
  let bsky: FakeBluesky;
  let masto: FakeMastodon;
  let reddit: FakeReddit;
  let smtp: FakeSmtp;

  beforeAll(async () => {
    x = await startFakeXApi({ token: X_TOKEN });
    bsky = await startFakeBluesky({ identifier: 'vigie.bsky.social', password: BSKY_PASSWORD });
    masto = await startFakeMastodon({ token: MASTODON_TOKEN });
    reddit = await startFakeReddit({ clientId: 'reddit-id', clientSecret: REDDIT_SECRET });
    smtp = await startFakeSmtp();
    // Base URLs from the file (pointing at the fakes); every credential from the dashboard.
    t = await testDeps({
      sources: {
        x: { baseUrl: x.url, maxRetries: 0 },
        bluesky: { service: bsky.url },
        reddit: { authUrl: reddit.url, apiUrl: reddit.url },
      },
      jobs: { maxAttempts: 1 },
    });
    app = await buildApp({ ...t.deps });
    await app.ready();
    await t.deps.users.upsert({
      email: 'owner@example.org',
      role: 'owner',
      watchIds: [],
      passwordHash: await hashPassword(PASSWORD),
    });
    jar = await login(app, 'owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
    for (const f of [x, bsky, masto, reddit, smtp]) await f?.close();
  });

  const save = (group: string, fields: Record<string, string>) =>
    postForm(app, jar, `/settings/${group}`, { action: 'save', ...fields }, '/settings');
  const test = (group: string, action = 'test') =>
    postForm(app, jar, `/settings/${group}`, { action }, '/settings');

  it('stores secrets sealed, never shows them back, and says which are set', async () => {
    expect((await save('x', { xBearerToken: X_TOKEN })).statusCode).toBe(303);
    expect(
      (await save('bluesky', { blueskyIdentifier: 'vigie.bsky.social', blueskyAppPassword: BSKY_PASSWORD }))
        .statusCode,
    ).toBe(303);
    expect(
      (await save('mastodon', { mastodonInstance: masto.url, mastodonAccessToken: MASTODON_TOKEN }))
        .statusCode,
    ).toBe(303);
    expect(
      (await save('reddit', { redditClientId: 'reddit-id', redditClientSecret: REDDIT_SECRET })).statusCode,
    ).toBe(303);
    expect(
      (
        await save('mail', {
          smtpHost: '127.0.0.1',
          smtpPort: String(smtp.port),
          smtpUser: '',
          smtpPass: SMTP_PASS,
        })
      ).statusCode,
    ).toBe(303);

    const secrets = [X_TOKEN, BSKY_PASSWORD, MASTODON_TOKEN, REDDIT_SECRET, SMTP_PASS];
    // The raw rows: sealed blobs, no plaintext; the database files on disk neither.
    const rows = await t.deps.store.all<{ path: string; value: string; secret: number | boolean }>(
      sql`select path, value, secret from settings`,
    );
    expect(
      rows
        .filter((r) => Boolean(r.secret))
        .map((r) => r.path)
        .sort(),
    ).toEqual(
      [
        'mail.smtp.pass',
        'sources.bluesky.appPassword',
        'sources.mastodon.accessToken',
        'sources.reddit.clientSecret',
        'sources.x.bearerToken',
      ].sort(),
    );
    for (const r of rows) for (const s of secrets) expect(r.value).not.toContain(s);
    await t.deps.store.run(sql`pragma wal_checkpoint(TRUNCATE)`);
    const files = ['vigie.db', 'vigie.db-wal'].map((f) => path.join(t.dir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      for (const s of secrets) expect(bytes).not.toContain(s);
    }
    // The page shows what is set and the last four characters, never the secret.
    const page = await app.inject({ method: 'GET', url: '/settings', headers: { cookie: jar.header() } });
    for (const s of secrets) expect(page.body).not.toContain(s);
    expect(page.body).toContain('ends in …4f2a');
    expect(page.body).toContain(`value="${masto.url}"`);
    // Nor does the audit log hold a value.
    const audit = JSON.stringify(await t.deps.store.all(sql`select * from audit_log`));
    for (const s of secrets) expect(audit).not.toContain(s);
    expect(audit).toContain('settings_change');
  });

  it('a blank secret field keeps the stored secret; a bad port is refused in plain words', async () => {
    expect((await save('x', { xBearerToken: '' })).statusCode).toBe(303);
    expect(t.deps.settings.effective().sources.x.bearerToken).toBe(X_TOKEN);
    const bad = await save('mail', { smtpHost: '127.0.0.1', smtpPort: '99999' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Port: expected a port between 1 and 65535');
    expect(t.deps.settings.effective().mail.smtp?.port).toBe(smtp.port);
  });

  it('tests each connection against the platforms, and words a refusal plainly', async () => {
    for (const group of ['x', 'bluesky', 'mastodon', 'reddit', 'mail']) {
      const res = await test(group);
      expect(res.body, group).toContain('Connection works.');
      expect(res.statusCode, group).toBe(200);
    }
    // Wrong credentials, one platform at a time.
    await save('bluesky', { blueskyIdentifier: 'vigie.bsky.social', blueskyAppPassword: 'wrong-password' });
    await save('x', { xBearerToken: 'not-the-token' });
    await save('mastodon', { mastodonInstance: masto.url, mastodonAccessToken: 'wrong' });
    await save('reddit', { redditClientId: 'reddit-id', redditClientSecret: 'wrong' });
    for (const group of ['x', 'bluesky', 'mastodon', 'reddit']) {
      const res = await test(group);
      expect(res.statusCode, group).toBe(400);
      expect(res.body, group).toContain('The service refused the credentials');
    }
    // An instance nobody answers at.
    await save('mastodon', { mastodonInstance: 'http://127.0.0.1:9', mastodonAccessToken: MASTODON_TOKEN });
    const down = await test('mastodon');
    expect(down.body).toContain('The service could not be reached');
    // In French too.
    const fr = await app.inject({
      method: 'GET',
      url: '/settings',
      headers: { cookie: jar.header(), 'accept-language': 'fr' },
    });
    expect(fr.body).toContain('Tester la connexion');
  });

  it('sends a test message through the mail server set a moment ago, without a restart', async () => {
    const before = smtp.mails.length;
    const res = await test('mail', 'send');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Test message sent to your address.');
    expect(smtp.mails.length).toBe(before + 1);
    const mail = smtp.mails.at(-1)!;
    expect(mail.subject).toBe('Vigie: test message');
    expect(JSON.stringify(mail.to)).toContain('owner@example.org');
    // A mail server that does not answer is said so.
    await save('mail', { smtpHost: '127.0.0.1', smtpPort: '9' });
    const down = await test('mail', 'send');
    expect(down.statusCode).toBe(400);
    expect(down.body).toContain('The service could not be reached');
    await save('mail', { smtpHost: '127.0.0.1', smtpPort: String(smtp.port) });
  });

  it('"poll now" polls a dashboard-made X watch with the token set from the dashboard', async () => {
    await save('x', { xBearerToken: X_TOKEN });
    x.addUser('alice_martin');
    x.generateMentions('alice_martin', 7);
    const created = await postForm(
      app,
      jar,
      '/watches',
      { id: 'alice', names: 'Alice Martin', xHandle: 'alice_martin' },
      '/watches/new',
    );
    expect(created.statusCode).toBe(303);
    const id = /\/watches\/([^/]+)\/edit/.exec(String(created.headers.location))![1]!;
    await t.deps.driver.start(t.deps.handlers());
    const res = await postForm(app, jar, `/watches/${id}/poll`, {}, '/watches');
    expect(res.statusCode).toBe(303);
    await t.deps.driver.idle();
    const stored = await t.deps.store.get<{ n: number }>(
      sql`select count(*) as n from posts where watch_id = ${id}`,
    );
    expect(Number(stored!.n)).toBe(7);
    const list = await app.inject({
      method: 'GET',
      url: '/watches?polled=1',
      headers: { cookie: jar.header() },
    });
    expect(list.body).toContain('A poll was started');
  }, 60_000);
});
