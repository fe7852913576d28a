import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { VIGIE_BIN } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { startFakeNtfy, type FakeNtfy } from '../fakes/ntfy.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';
import { startFakeMatrix, type FakeMatrix } from '../fakes/matrix.ts';
import { startFakeSignal, type FakeSignal } from '../fakes/signal-rest.ts';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook-receiver.ts';

const OWNER_PASSWORD = 'owner password 2026';
const PROXY_PASSWORD = 'proxy password 2026';
const BOT_TOKEN = '7001:telegram-bot-token-first-run';
const MATRIX_TOKEN = 'syt_first_run_matrix_token_5x4w';
const SIGNAL_SENDER = '+33612345678';
const WEBHOOK_SECRET = 'first-run-webhook-signing-secret';

/** Starts `vigie start` on an empty data folder and resolves with the setup link it prints. */
function startVigie(
  config: string,
  cwd: string,
): Promise<{ child: ChildProcess; link: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE_BIN, '--config', config, 'start'], {
      cwd,
      env: { ...process.env, VIGIE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no setup link printed:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /(http:\/\/127\.0\.0\.1:\d+\/setup\/[A-Za-z0-9_-]{20,})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, link: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`vigie start exited (${code}):\n${out}`)));
  });
}

describe('first run in a real browser, from an empty data folder', () => {
  let smtp: FakeSmtp;
  let ntfy: FakeNtfy;
  let telegram: FakeTelegram;
  let matrix: FakeMatrix;
  let signal: FakeSignal;
  let webhook: FakeWebhook;
  let browser: Browser;
  let vigie: Awaited<ReturnType<typeof startVigie>>;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    smtp = await startFakeSmtp();
    ntfy = await startFakeNtfy();
    telegram = await startFakeTelegram(BOT_TOKEN, ['555']);
    matrix = await startFakeMatrix(MATRIX_TOKEN, ['!alerts:fake.local']);
    signal = await startFakeSignal(SIGNAL_SENDER);
    webhook = await startFakeWebhook(WEBHOOK_SECRET);
    dir = tempDir();
    const config = writeFile(
      dir.dir,
      'vigie.yaml',
      [
        `dataDir: ${dir.dir}/data`,
        'server: { host: 127.0.0.1, port: 0 }',
        'network: { allowPrivateAddresses: true }',
      ].join('\n'),
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${dir.dir}/data`);
    vigie = await startVigie(config, dir.dir);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (vigie?.child.exitCode === null) {
      const exited = new Promise((r) => vigie.child.once('exit', r));
      vigie.child.kill('SIGTERM');
      await exited;
    }
    for (const fake of [smtp, ntfy, telegram, matrix, signal, webhook]) await fake?.close();
    dir?.cleanup();
  });

  it('owner, first watch, mail server and a test message, a proxy invited who sees the watch, then the chat services set and a test received on every channel', async () => {
    const base = new URL(vigie.link).origin;
    // The printed warning about the generated key comes with the link.
    expect(vigie.output()).toContain('encryption.key');

    const ownerContext = await browser.newContext({ locale: 'en-GB' });
    const page = await ownerContext.newPage();
    // Before setup, the login page says where the way in is.
    await page.goto(`${base}/login`);
    await expect.poll(() => page.locator('.no-account').count()).toBe(1);

    await page.goto(vigie.link);
    await page.fill('input[name=email]', 'owner@example.org');
    await page.fill('input[name=password]', OWNER_PASSWORD);
    await page.fill('textarea[name=names]', 'Alice Martin');
    await page.fill('input[name=smtpHost]', '127.0.0.1');
    await page.fill('input[name=smtpPort]', String(smtp.port));
    await page.fill('input[name=mailFrom]', 'Vigie <vigie@example.org>');
    await Promise.all([page.waitForURL(/\/settings\?welcome=1/), page.click('button[type=submit]')]);
    expect(await page.locator('p.ok').first().innerText()).toContain('Vigie is set up');

    // A test message through the mail server typed a moment ago.
    await Promise.all([page.waitForLoadState('load'), page.click('#mail button[value=send]')]);
    await expect.poll(() => page.locator('#mail .test-outcome').innerText()).toContain('Test message sent');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toBe('Vigie: test message');
    expect(smtp.mails[0]!.from?.text).toContain('vigie@example.org');

    // The setup link is gone now.
    const again = await ownerContext.request.get(vigie.link);
    expect(again.status()).toBe(404);

    // Invite a proxy for the watch.
    await page.goto(`${base}/people`);
    await page.fill('input[name=email]', 'proxy@example.org');
    await page.selectOption('select[name=role]', 'proxy');
    await page.check('input[name=watches]');
    await page.check('input[name=sendMail]');
    await Promise.all([
      page.waitForLoadState('load'),
      page.click('form[action="/people/invite"] button[type=submit]'),
    ]);
    const inviteLink = await page.inputValue('#invite-link');
    expect(inviteLink).toMatch(new RegExp(`^${base}/invite/`));
    await expect.poll(() => smtp.mails.length).toBe(2);
    expect(smtp.mails[1]!.text).toContain(inviteLink);
    expect(await page.locator('table.pending').innerText()).toContain('proxy@example.org');

    // The proxy, in another browser, accepts and lands signed in.
    const proxyContext = await browser.newContext({ locale: 'en-GB' });
    const proxy = await proxyContext.newPage();
    await proxy.goto(inviteLink);
    await proxy.fill('input[name=password]', PROXY_PASSWORD);
    await Promise.all([proxy.waitForURL(`${base}/`), proxy.click('button[type=submit]')]);
    expect(await proxy.locator('.who').innerText()).toContain('proxy@example.org (trusted proxy)');
    await proxy.goto(`${base}/watches`);
    expect(await proxy.locator('ul.watches').innerText()).toContain('Alice Martin');
    // The link worked once.
    expect((await proxyContext.request.get(inviteLink)).status()).toBe(404);

    // The owner's People page now lists the proxy as an account, no longer pending.
    await page.goto(`${base}/people`);
    expect(await page.locator('table.people').first().innerText()).toContain('proxy@example.org');
    expect(await page.locator('table.pending').innerText()).not.toContain('proxy@example.org');

    // The chat services' servers, from the Settings page: nothing in the configuration file.
    const settings: [string, Record<string, string>][] = [
      ['ntfy', { ntfyServerUrl: ntfy.url }],
      ['telegram', { telegramApiUrl: telegram.url, telegramBotToken: BOT_TOKEN }],
      ['matrix', { matrixHomeserverUrl: matrix.url, matrixAccessToken: MATRIX_TOKEN }],
      ['signal', { signalApiUrl: signal.url, signalNumber: SIGNAL_SENDER }],
    ];
    for (const [group, fields] of settings) {
      await page.goto(`${base}/settings#${group}`);
      for (const [name, value] of Object.entries(fields))
        await page.fill(`#${group} input[name=${name}]`, value);
      await Promise.all([
        page.waitForURL(new RegExp(`/settings\\?saved=${group}`)),
        page.click(`#${group} button[value=save]`),
      ]);
      expect(await page.locator(`#${group} p.ok`).innerText()).toBeTruthy();
    }
    // The tokens are never shown back.
    const settingsPage = await page.content();
    expect(settingsPage).not.toContain(BOT_TOKEN);
    expect(settingsPage).not.toContain(MATRIX_TOKEN);

    // The owner's own channels, from Account → Notifications, then one test on every channel.
    await page.goto(`${base}/account/notifications`);
    const channels: [string, Record<string, string>][] = [
      ['webhook', { url: `${webhook.url}/hooks/owner`, secret: WEBHOOK_SECRET }],
      ['ntfy', { topic: 'alice-alerts' }],
      ['telegram', { chatId: '555' }],
      ['matrix', { roomId: '!alerts:fake.local' }],
      ['signal', { number: '+33698765432' }],
    ];
    for (const [kind, fields] of channels) {
      await page.click(`details:has(#add-${kind}) summary`);
      for (const [name, value] of Object.entries(fields))
        await page.fill(`#add-${kind} input[name=${name}]`, value);
      await Promise.all([page.waitForLoadState('load'), page.click(`#add-${kind} button[type=submit]`)]);
      expect(await page.locator('.error').count(), kind).toBe(0);
    }
    expect(await page.locator('#channels li').count()).toBe(6);
    await Promise.all([page.waitForLoadState('load'), page.click('#test-all')]);
    await expect.poll(() => page.locator('#test-results li.ok').count()).toBe(6);
    expect(await page.locator('#test-results li.error').count()).toBe(0);

    // Each fake received the test message, and only it: a test carries no post text, the
    // owner's messages never do.
    await expect.poll(() => smtp.mails.length).toBe(3);
    expect(smtp.mails[2]!.subject).toBe('Vigie — test message');
    expect(ntfy.messages.map((m) => [m.topic, m.title])).toEqual([['alice-alerts', 'Vigie — test message']]);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]!.bold).toEqual(['Vigie — test message']);
    expect(matrix.roomEvents).toHaveLength(1);
    expect(signal.messages.map((m) => [m.from, m.to])).toEqual([[SIGNAL_SENDER, '+33698765432']]);
    expect(webhook.deliveries.map((d) => [d.path, d.kind, d.watch])).toEqual([['/hooks/owner', 'test', '']]);
    for (const text of [
      ntfy.messages[0]!.message,
      telegram.messages[0]!.text,
      matrix.roomEvents[0]!.content.body,
      signal.messages[0]!.message,
      webhook.deliveries[0]!.text,
    ])
      expect(text).toContain('This is a test message from Vigie');
    await ownerContext.close();
    await proxyContext.close();
  }, 180_000);
});
