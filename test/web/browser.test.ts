import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { makeFixture, PASSWORD, type Fixture } from './helpers.ts';

const ARTIFACTS = path.resolve('test/artifacts');
// Attacker-written strings stored as post text, author handle, author name and URL.
const XSS = [
  '<script>alert("xss-1")</script>',
  '<img src=x onerror=alert("xss-2")>',
  '"><svg onload=alert("xss-3")>',
  "'><iframe src=javascript:alert('xss-4')></iframe>",
  '</textarea><script>alert("xss-5")</script>',
  '<a href="javascript:alert(\'xss-6\')">click me</a>',
  '<%= it.constructor.constructor("alert(\'xss-7\')")() %>',
  '{{constructor.constructor("alert(\'xss-8\')")()}}',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-9")>',
  '<style>body{display:none}</style><body onload=alert("xss-10")>',
  '<details open ontoggle=alert("xss-11")>',
  '<input autofocus onfocus=alert("xss-12")>',
];

describe('dashboard in a real browser', () => {
  let f: Fixture;
  let browser: Browser;
  let base: string;
  let hostileId: number;
  let xssIds: number[];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    await f.addUser('owner@example.org', 'owner', ['alice']);
    const day = 86_400_000;
    const now = Date.now();
    for (let d = 12; d >= 1; d--) {
      await f.addPosts(
        'alice',
        Array.from({ length: (d * 7) % 5 }, (_, i) => ({
          text: `Alice, tu es une idiote (${d}.${i})`,
          handle: `troll${i}`,
          level: i % 2 ? 'high' : 'medium',
          categories: ['insult'],
          matches: [{ term: 'idiote', category: 'insult', severity: 2, start: 15, end: 21 }],
        })),
        now - d * day,
      );
    }
    await f.addPosts(
      'alice',
      [{ text: 'Super concert hier soir, bravo Alice !', handle: 'fan_club', level: 'none' }],
      now - 3_600_000,
    );
    [hostileId] = (await f.addPosts('alice', [
      {
        text: 'Alice, je sais où tu habites, fais attention',
        handle: 'menace_anonyme',
        name: 'Anonyme',
        level: 'severe',
        categories: ['threat'],
        matches: [{ term: 'je sais où tu habites', category: 'threat', severity: 3, start: 7, end: 28 }],
      },
    ])) as [number];
    xssIds = await f.addPosts(
      'alice',
      XSS.map((p, i) => ({
        text: `${p} Alice idiote`,
        handle: p.slice(0, 60),
        name: p,
        level: i % 2 ? 'high' : 'low',
        categories: i % 2 ? ['insult'] : [],
        url: i === 5 ? 'javascript:alert("xss-url")' : `https://example.org/${encodeURIComponent(p)}`,
      })),
    );
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/triage`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/triage`), page.click('button[type=submit]')]);
  }

  it('a proxy signs in, triages, reveals, marks reported, downloads the dossier and switches language', async () => {
    const context = await browser.newContext({
      locale: 'en-GB',
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    const page = await context.newPage();
    await signIn(page, 'proxy@example.org');

    // Hostile text is blurred and masked until revealed.
    const item = page.locator(`#post-${hostileId}`);
    await expect.poll(() => item.locator('.blurred').count()).toBe(1);
    expect(await item.innerText()).not.toContain('je sais où tu habites');
    await page.screenshot({ path: path.join(ARTIFACTS, 'triage.png'), fullPage: false });
    await Promise.all([page.waitForLoadState('load'), item.locator('button.reveal').click()]);
    await expect
      .poll(() => page.locator(`#post-${hostileId} mark.hit`).innerText())
      .toBe('je sais où tu habites');
    expect(
      f.db.$client
        .prepare(`select count(*) as n from audit_log where action = 'reveal' and post_id = ?`)
        .get(hostileId),
    ).toEqual({ n: 1 });

    // Mark it reported to PHAROS with a reference, through the bulk bar.
    await page.check(`#post-${hostileId} input[name=ids]`);
    await page.selectOption('fieldset.bulk select[name=channel]', 'pharos');
    await page.fill('fieldset.bulk input[name=reference]', 'PHAROS-2026-0042');
    await Promise.all([page.waitForLoadState('load'), page.click('fieldset.bulk button[value=report]')]);
    await expect.poll(() => page.locator(`#post-${hostileId} .status`).innerText()).toBe('reported');
    expect(
      f.db.$client.prepare('select channel, reference from post_reports where post_id = ?').get(hostileId),
    ).toEqual({ channel: 'pharos', reference: 'PHAROS-2026-0042' });

    // The post's detail page: highlighted match, report filed, custody log.
    await page.goto(`${base}/posts/${hostileId}`);
    await expect.poll(() => page.locator('table.events').innerText()).toContain('viewed');
    expect(await page.locator('ul.reports').innerText()).toContain('PHAROS-2026-0042');
    await page.screenshot({ path: path.join(ARTIFACTS, 'post.png'), fullPage: true });

    // Overview, with its chart.
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('svg.chart rect.bar').count()).toBe(30);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png'), fullPage: true });

    // Download the dossier.
    await page.goto(`${base}/exports`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form button[type=submit]:not(.logout button)'),
    ]);
    const saved = path.join(ARTIFACTS, 'dossier.zip');
    await download.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/^vigie-dossier-alice-.*\.zip$/);
    expect(f.db.$client.prepare(`select count(*) as n from audit_log where action = 'export'`).get()).toEqual(
      { n: 1 },
    );

    // Switch to French.
    await page.goto(`${base}/account`);
    await page.selectOption('select[name=lang]', 'fr');
    await Promise.all([page.waitForURL(`${base}/account`), page.click('#save-lang')]);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Votre compte');
    await page.goto(`${base}/triage`);
    await expect.poll(() => page.locator('h1').innerText()).toContain('Tri');
    await context.close();
  }, 120_000);

  it('XSS payloads stored as post text, author names and URLs execute nothing on any page', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, 'owner@example.org');
    const visit = async (url: string) => {
      await page.goto(`${base}${url}`);
      await page.waitForLoadState('load');
      // Give autofocus / ontoggle / onload handlers a chance to fire if anything was injected.
      await page.waitForTimeout(150);
    };
    await visit('/triage');
    // Reveal every payload post, so the text is on the page unmasked.
    for (const id of xssIds) {
      const reveal = page.locator(`#post-${id} button.reveal`);
      if (await reveal.count()) await Promise.all([page.waitForLoadState('load'), reveal.click()]);
    }
    const pages = [
      '/',
      '/triage',
      '/triage?sort=worst',
      `/triage?q=${encodeURIComponent('Alice idiote')}`,
      '/authors',
      '/audit',
      ...xssIds.map((id) => `/posts/${id}`),
    ];
    for (const url of pages) await visit(url);
    // The payload text is on the page as text.
    await visit(`/posts/${xssIds[1]}`);
    expect(await page.locator('p.text').innerText()).toContain('<img src=x onerror=alert("xss-2")>');
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
