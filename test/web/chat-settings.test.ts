import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/web/app.ts';
import { hashPassword } from '../../src/web/auth/passwords.ts';
import { testDeps } from '../helpers/deps.ts';
import { login, postForm, PASSWORD, type CookieJar } from './helpers.ts';
import { startFakeNtfy, type FakeNtfy } from '../fakes/ntfy.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';
import { startFakeMatrix, type FakeMatrix } from '../fakes/matrix.ts';
import { startFakeSignal, type FakeSignal } from '../fakes/signal-rest.ts';

const NTFY_TOKEN = 'tk_ntfy-protected-topic-0a1b2c';
const BOT = '4242:telegram-bot-token-zz9y8x';
const MATRIX_TOKEN = 'syt_matrix_access_token_77q6';
const SIGNAL_NUMBER = '+33612345678';
const PAGE = '/account/notifications';

describe('chat services set in the dashboard', { timeout: 60_000 }, () => {
  let t: Awaited<ReturnType<typeof testDeps>>;
  let app: FastifyInstance;
  let owner: CookieJar;
  let firstNtfy: FakeNtfy;
  let secondNtfy: FakeNtfy;
  let telegram: FakeTelegram;
  let matrix: FakeMatrix;
  let signal: FakeSignal;

  beforeAll(async () => {
    firstNtfy = await startFakeNtfy();
    secondNtfy = await startFakeNtfy({ token: NTFY_TOKEN });
    telegram = await startFakeTelegram(BOT, ['555']);
    matrix = await startFakeMatrix(MATRIX_TOKEN, ['!room:fake.local']);
    signal = await startFakeSignal(SIGNAL_NUMBER);
    // The file sets no chat server: every one comes from the dashboard.
    t = await testDeps({ notifications: { retryDelayMs: 5 } });
    app = await buildApp({ ...t.deps });
    await app.ready();
    await t.deps.users.upsert({
      email: 'owner@example.org',
      role: 'owner',
      watchIds: [],
      passwordHash: await hashPassword(PASSWORD),
    });
    owner = await login(app, 'owner@example.org');
  });

  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
    for (const f of [firstNtfy, secondNtfy, telegram, matrix, signal]) await f?.close();
  });

  const save = (group: string, fields: Record<string, string>) =>
    postForm(app, owner, `/settings/${group}`, { action: 'save', ...fields }, '/settings');
  const sendTest = (kind?: string) => postForm(app, owner, `${PAGE}/test`, kind ? { kind } : {}, PAGE);

  it('a changed ntfy server takes the next test message, without a restart', async () => {
    expect((await save('ntfy', { ntfyServerUrl: firstNtfy.url })).statusCode).toBe(303);
    expect(
      (await postForm(app, owner, `${PAGE}/channels`, { kind: 'ntfy', topic: 'alice-alerts' }, PAGE))
        .statusCode,
    ).toBe(303);
    const first = await sendTest('ntfy');
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatch(/ntfy[^<]*alice-alerts — sent/);
    expect(firstNtfy.messages.map((m) => m.topic)).toEqual(['alice-alerts']);

    // A protected server elsewhere: the address and its token, changed in the dashboard.
    expect((await save('ntfy', { ntfyServerUrl: secondNtfy.url, ntfyToken: NTFY_TOKEN })).statusCode).toBe(
      303,
    );
    const second = await sendTest('ntfy');
    expect(second.body).toMatch(/alice-alerts — sent/);
    expect(secondNtfy.messages.map((m) => m.topic)).toEqual(['alice-alerts']);
    expect(firstNtfy.messages).toHaveLength(1);
  });

  it('Telegram, Matrix and Signal set in the dashboard carry a test message each', async () => {
    expect((await save('telegram', { telegramApiUrl: telegram.url, telegramBotToken: BOT })).statusCode).toBe(
      303,
    );
    expect(
      (await save('matrix', { matrixHomeserverUrl: matrix.url, matrixAccessToken: MATRIX_TOKEN })).statusCode,
    ).toBe(303);
    expect((await save('signal', { signalApiUrl: signal.url, signalNumber: SIGNAL_NUMBER })).statusCode).toBe(
      303,
    );
    for (const fields of <Record<string, string>[]>[
      { kind: 'telegram', chatId: '555' },
      { kind: 'matrix', roomId: '!room:fake.local' },
      { kind: 'signal', number: '+33698765432' },
    ])
      expect((await postForm(app, owner, `${PAGE}/channels`, fields, PAGE)).statusCode, fields.kind).toBe(
        303,
      );
    const all = await sendTest();
    expect(all.statusCode).toBe(200);
    expect(all.body).toMatch(/Telegram 555 — sent/);
    expect(all.body).toMatch(/Matrix !room:fake.local — sent/);
    expect(all.body).toMatch(/Signal[^<]*— sent/);
    expect(telegram.messages).toHaveLength(1);
    expect(matrix.roomEvents).toHaveLength(1);
    expect(signal.messages.map((m) => [m.from, m.to])).toEqual([[SIGNAL_NUMBER, '+33698765432']]);
    expect(secondNtfy.messages).toHaveLength(2);
  });

  it('keeps the tokens sealed and never shows them back; refuses a malformed server address', async () => {
    const secrets = [NTFY_TOKEN, BOT, MATRIX_TOKEN];
    const rows = await t.deps.store.all<{ path: string; value: string; secret: number | boolean }>(
      sql`select path, value, secret from settings`,
    );
    expect(
      rows
        .filter((r) => Boolean(r.secret))
        .map((r) => r.path)
        .sort(),
    ).toEqual([
      'notifications.matrix.accessToken',
      'notifications.ntfy.token',
      'notifications.telegram.botToken',
    ]);
    for (const r of rows) for (const s of secrets) expect(r.value).not.toContain(s);
    const page = await app.inject({ method: 'GET', url: '/settings', headers: { cookie: owner.header() } });
    expect(page.statusCode).toBe(200);
    for (const s of secrets) expect(page.body).not.toContain(s);
    expect(page.body).toContain('ends in …1b2c');
    expect(page.body).toContain(`value="${secondNtfy.url}"`);
    expect(page.body).toContain('Homeserver address');

    const bad = await save('matrix', { matrixHomeserverUrl: 'ftp://matrix.example.org' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Homeserver address: expected an address starting with https:// or http://');
    expect(t.deps.settings.effective().notifications.matrix.homeserverUrl).toBe(matrix.url);
  });

  it('tests each chat server from its section, in plain words, never showing the token', async () => {
    const test = (group: string) =>
      postForm(app, owner, `/settings/${group}`, { action: 'test' }, '/settings');
    const settingsPage = await app.inject({
      method: 'GET',
      url: '/settings',
      headers: { cookie: owner.header() },
    });
    const telegramSection = /<section id="telegram"[\s\S]*?<\/section>/.exec(settingsPage.body)![0];
    expect(telegramSection).toContain('value="test"');
    expect(telegramSection).toContain('each person adds their own address in Account → Notifications.');

    const works = await test('telegram');
    expect(works.statusCode).toBe(200);
    expect(works.body).toContain('Connection works. Signed in as @vigie_alerts_bot.');
    expect(telegram.requests.at(-1)!.path).toBe(`/bot${BOT}/getMe`);
    expect(works.body).not.toContain(BOT);
    expect(telegram.messages).toHaveLength(1);

    const wrong = '4242:not-the-bot-token-aa1';
    expect(
      (await save('telegram', { telegramApiUrl: telegram.url, telegramBotToken: wrong })).statusCode,
    ).toBe(303);
    const refused = await test('telegram');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The service refused the credentials: check them and save again.');
    for (const secret of [wrong, BOT]) expect(refused.body).not.toContain(secret);

    const matrixWorks = await test('matrix');
    expect(matrixWorks.statusCode).toBe(200);
    expect(matrixWorks.body).toContain('Signed in as @vigie:fake.local.');
    expect(matrixWorks.body).not.toContain(MATRIX_TOKEN);
    expect((await test('ntfy')).statusCode).toBe(200);
    expect((await test('signal')).statusCode).toBe(200);
    expect(
      (await save('signal', { signalApiUrl: signal.url, signalNumber: '+33700000000' })).statusCode,
    ).toBe(303);
    const unregistered = await test('signal');
    expect(unregistered.statusCode).toBe(400);
    expect(unregistered.body).toContain('this number is not registered on the signal-cli server');

    // Each test is in the audit log, by group and verdict, with no secret.
    const audit = await t.deps.store.all<{ action: string; detail: string }>(
      sql`select action, detail from audit_log where action = 'settings_test' order by id`,
    );
    expect(audit.map((a) => JSON.parse(a.detail) as unknown)).toEqual([
      { group: 'telegram', ok: true },
      { group: 'telegram', ok: false },
      { group: 'matrix', ok: true },
      { group: 'ntfy', ok: true },
      { group: 'signal', ok: true },
      { group: 'signal', ok: false },
    ]);
    for (const secret of [wrong, BOT, MATRIX_TOKEN, NTFY_TOKEN])
      expect(JSON.stringify(audit)).not.toContain(secret);
  });
});
