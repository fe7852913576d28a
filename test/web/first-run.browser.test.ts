import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { VIGIE_BIN } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';

const OWNER_PASSWORD = 'owner password 2026';
const PROXY_PASSWORD = 'proxy password 2026';

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
  let browser: Browser;
  let vigie: Awaited<ReturnType<typeof startVigie>>;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    smtp = await startFakeSmtp();
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
    await smtp?.close();
    dir?.cleanup();
  });

  it('owner, first watch, mail server and a test message, then a proxy invited who sees the watch', async () => {
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
    await ownerContext.close();
    await proxyContext.close();
  }, 120_000);
});
