import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { unzipSync, strFromU8 } from 'fflate';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { makeFixture, PASSWORD, type Fixture } from './helpers.ts';

// Triage at speed in real Chromium: the keyboard, revealing a whole page for the session, and a
// missed post marked hostile by hand that then shows in the corrections and the dossier.

describe('triage in a real browser', () => {
  let f: Fixture;
  let browser: Browser;
  let base: string;
  let downloads: string;
  let severe: number[];
  let missed: number;

  beforeAll(async () => {
    downloads = mkdtempSync(path.join(tmpdir(), 'vigie-dl-'));
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice', 'bob']);
    const now = Date.now();
    await f.addPosts(
      'alice',
      Array.from({ length: 3 }, (_, i) => ({
        text: `Alice, petite idiote ${i}`,
        handle: `t${i}`,
        level: 'medium',
      })),
      now - 3_600_000,
    );
    severe = await f.addPosts(
      'alice',
      Array.from({ length: 2 }, (_, i) => ({
        text: `je sais où tu habites ${i}`,
        handle: `m${i}`,
        level: 'severe',
        categories: ['threat'],
      })),
      now - 7_200_000,
    );
    [missed] = (await f.addPosts(
      'alice',
      [{ text: 'Alice Martin devrait se suicider', handle: 'sly', level: 'none' }],
      now,
    )) as [number];
    await f.addPosts('bob', [{ text: 'Bob, insulte', handle: 'b', level: 'high' }]);
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  async function signedIn(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', 'proxy@example.org');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    return { context, page, errors };
  }

  const current = (page: Page) => page.locator('li.post.current').getAttribute('data-post');

  it('keyboard: j/k move worst first, ? opens the help, r reveals, e marks reviewed, p reports', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${base}/triage?watch=alice`);
    // Worst first by default for a proxy: the two severe posts lead.
    const order = await page
      .locator('li.post')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-post'))));
    expect(order.slice(0, 2).sort()).toEqual([...severe].sort());

    await page.keyboard.press('j');
    expect(await current(page)).toBe(String(order[0]));
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await current(page)).toBe(String(order[1]));

    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#keys-help').isVisible()).toBe(true);
    expect(await page.locator('#keys-help').innerText()).toContain('reveal the post');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#keys-help').isVisible()).toBe(false);

    // r reveals the current (severe) post: the page comes back on it, text in clear, audited.
    const target = order[1]!;
    await Promise.all([page.waitForURL(new RegExp(`#post-${target}$`)), page.keyboard.press('r')]);
    await expect
      .poll(() => page.locator(`#post-${target} p.text`).innerText())
      .toContain('je sais où tu habites');
    expect(await current(page)).toBe(String(target));
    expect(
      f.db.$client
        .prepare(`select count(*) as n from audit_log where action = 'reveal' and post_id = ?`)
        .get(target),
    ).toEqual({ n: 1 });

    // e marks it reviewed.
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('e')]);
    await expect.poll(() => page.locator(`#post-${target} .status`).innerText()).toBe('reviewed');
    expect(f.db.$client.prepare('select status from post_reviews where post_id = ?').get(target)).toEqual({
      status: 'reviewed',
    });

    // p reports the current post only, with the report fields of the page.
    await page.keyboard.press('j');
    const next = Number(await current(page));
    await page.check(`li.post:not(#post-${next}) input[name=ids] >> nth=0`);
    await page.selectOption('fieldset.bulk select[name=channel]', 'pharos');
    await page.locator('li.post.current').focus();
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('p')]);
    await expect.poll(() => page.locator(`#post-${next} .status`).innerText()).toBe('reported');
    expect(f.db.$client.prepare('select post_id, channel from post_reports').all()).toEqual([
      { post_id: next, channel: 'pharos' },
    ]);
    // Typing in a field is not a shortcut.
    await page.fill('input[name=q]', 'jjjkr');
    expect(await page.inputValue('input[name=q]')).toBe('jjjkr');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('reveal the page: every shielded post audited, still revealed after navigating, hidden again at the next login', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${base}/triage?watch=alice&sort=newest`);
    const shielded = await page.locator('li.post:has(.shield)').count();
    expect(shielded).toBeGreaterThan(0);
    await Promise.all([page.waitForLoadState('load'), page.click('button.reveal-all')]);
    await expect.poll(() => page.locator('li.post .shield').count()).toBe(0);
    const audited = f.db.$client
      .prepare(`select count(distinct post_id) as n from audit_log where action = 'reveal'`)
      .get() as { n: number };
    expect(audited.n).toBeGreaterThanOrEqual(shielded);

    // Elsewhere and back: still in clear, on the list and on the post's page.
    await page.goto(`${base}/authors?watch=alice`);
    await page.goto(`${base}/triage?watch=alice&level=medium`);
    expect(await page.locator('li.post .shield').count()).toBe(0);
    expect(await page.locator('li.post p.text').first().innerText()).toMatch(/idiote|habites/);
    await page.goto(`${base}/posts/${severe[0]}`);
    expect(await page.locator('p.text').innerText()).toContain('je sais où tu habites');
    expect(errors).toEqual([]);
    await context.close();

    // A new session starts shielded again.
    const again = await signedIn();
    await again.page.goto(`${base}/triage?watch=alice`);
    expect(await again.page.locator('li.post .shield').count()).toBe(shielded);
    await again.context.close();
  }, 120_000);

  it('the watch switcher changes the watch on Triage and Authors', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/triage?watch=alice`);
    await Promise.all([page.waitForURL(/watch=bob/), page.selectOption('form.watch-switch select', 'bob')]);
    await expect.poll(() => page.locator('h1').innerText()).toContain('(bob)');
    await page.goto(`${base}/authors?watch=alice`);
    await Promise.all([
      page.waitForURL(/authors\?watch=bob/),
      page.selectOption('form.watch-switch select', 'bob'),
    ]);
    await expect.poll(() => page.locator('h1').innerText()).toContain('(bob)');
    await context.close();
  }, 120_000);

  it('mark hostile on a missed post, then the corrections export and the dossier show it', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${base}/triage?watch=alice&sort=newest`);
    // Scored none: no shield, offered "mark hostile".
    await Promise.all([page.waitForURL(/#mark-hostile$/), page.click(`#post-${missed} a.mark-hostile`)]);
    await page.selectOption('form.mark-hostile select[name=category]', 'suicide_incitement');
    await Promise.all([page.waitForLoadState('load'), page.click('form.mark-hostile button[type=submit]')]);
    await expect
      .poll(() => page.locator('h1 .human-label').innerText())
      .toBe('marked hostile: Incitement to suicide');
    expect(await page.locator('dd.human-label-detail').innerText()).toContain('proxy@example.org');
    // Flagged for archiving like a hostile post: no second offer.
    expect(await page.locator(`button[formaction="/posts/${missed}/archive"]`).count()).toBe(0);
    await page.goto(`${base}/triage?watch=alice&sort=newest`);
    expect(await page.locator(`#post-${missed} .human-label`).innerText()).toBe(
      'marked hostile: Incitement to suicide',
    );

    // The corrections, from the exports page.
    await page.goto(`${base}/exports`);
    await page.selectOption('form.corrections select[name=watch]', 'alice');
    await page.selectOption('form.corrections select[name=format]', 'jsonl');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form.corrections button'),
    ]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^vigie-corrections-alice-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      postId: missed,
      text: 'Alice Martin devrait se suicider',
      scorerLevel: 'none',
      scorerCategories: [],
      humanLabel: 'hostile',
      humanCategory: 'suicide_incitement',
      lexiconVersion: 'test',
    });

    // The dossier holds it, with the human label beside the scorer's level.
    await page.goto(`${base}/exports`);
    const [zipDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form[action="/exports"] button[type=submit]'),
    ]);
    expect(zipDownload.suggestedFilename()).toMatch(
      /^vigie-dossier-alice-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.zip$/,
    );
    const zipFile = path.join(downloads, 'dossier.zip');
    await zipDownload.saveAs(zipFile);
    const files = unzipSync(new Uint8Array(readFileSync(zipFile)));
    const row = strFromU8(files['posts.csv']!)
      .split('\r\n')
      .find((l) => l.startsWith(`"${missed}",`));
    expect(row).toContain('"none"');
    expect(row).toMatch(/"hostile","suicide_incitement","reviewed",/);
    expect(strFromU8(files['report.html']!)).toContain('Marked hostile by a person');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
