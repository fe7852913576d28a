// The owner's shield and the look-alike page, in a real browser (Debian chromium): what the
// protected person can meet in the DOM, what a proxy does for them, and what is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { makeFixture, PASSWORD, type Fixture } from './helpers.ts';
import { createIdentityRepo } from '../../src/identity/identity-repo.ts';

// A scorer miss (scored `none`), a threat the scorer caught, a kind post, and a look-alike's post.
const MISSED = 'Alice Martin devrait se suicider, personne ne la regretterait';
const THREAT = 'Alice, je sais où tu habites, fais attention';
const KIND = 'Bravo Alice pour ce concert magnifique';
const IMPOSTOR = 'Je suis la vraie Alice Martin, suivez ce nouveau compte';

describe('owner shield and look-alikes in a real browser', () => {
  let f: Fixture;
  let browser: Browser;
  let base: string;
  let missedId: number;
  let threatId: number;
  let kindId: number;
  let impostorPostId: number;
  let lookalikeId: number;

  beforeAll(async () => {
    f = await makeFixture();
    await f.addUser('proxy@example.org', 'proxy', ['alice']);
    await f.addUser('owner@example.org', 'owner', ['alice']);
    [missedId, threatId, kindId, impostorPostId] = (await f.addPosts('alice', [
      { text: MISSED, handle: 'discret', level: 'none' },
      {
        text: THREAT,
        handle: 'menace_anonyme',
        level: 'severe',
        categories: ['threat'],
        matches: [{ term: 'je sais où tu habites', category: 'threat', severity: 3, start: 7, end: 28 }],
      },
      { text: KIND, handle: 'fan_club', level: 'none' },
      { text: IMPOSTOR, handle: 'alice_martin_off', name: 'Alice Martin', level: 'none' },
    ])) as [number, number, number, number];
    lookalikeId = (
      await createIdentityRepo(f.store).upsertCandidate({
        watchId: 'alice',
        platform: 'web',
        // The fixture's authors have the external id `a-<handle>`.
        accountId: 'a-alice_martin_off',
        handle: 'alice_martin_off',
        name: 'Alice Martin',
        reason: 'handle alice_martin_off: the name with an added word (off)',
        similarity: 0.93,
        foundBy: 'author',
        at: Date.now(),
      })
    ).row.id;
    // Handles, names and reasons come from whoever runs the account: escaped like post text.
    await createIdentityRepo(f.store).upsertCandidate({
      watchId: 'alice',
      platform: 'x',
      accountId: 'xss',
      handle: '<img src=x onerror=alert("xss-handle")>',
      name: '<script>alert("xss-name")</script>',
      reason: '"><svg onload=alert("xss-reason")>',
      similarity: 0.8,
      foundBy: 'search',
      at: Date.now(),
    });
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('button[type=submit]')]);
    return { context, page };
  }

  /** The whole DOM of a page (markup, attributes, hidden and blurred nodes included). */
  async function dom(page: Page, url: string): Promise<string> {
    await page.goto(`${base}${url}`);
    await page.waitForLoadState('load');
    return page.content();
  }

  const audit = (action: string, postId: number) =>
    (
      f.db.$client
        .prepare(
          `select count(*) as n from audit_log a join users u on u.id = a.user_id
           where a.action = ? and a.post_id = ? and u.email = 'owner@example.org'`,
        )
        .get(action, postId) as { n: number }
    ).n;

  it('the owner meets no unreviewed text on any page, a `none`-scored post included; a proxy clears one; a reveal is audited', async () => {
    const owner = await signIn('owner@example.org');
    const pages = [
      '/',
      '/triage',
      '/triage?sort=worst',
      `/triage?q=${encodeURIComponent('suicider')}`,
      `/posts/${missedId}`,
      `/posts/${threatId}`,
      `/posts/${kindId}`,
      '/authors',
      '/lookalikes',
    ];
    for (const url of pages) {
      const html = await dom(owner.page, url);
      for (const text of [MISSED, THREAT, KIND, IMPOSTOR]) expect(html, `${url}`).not.toContain(text);
      // Not even masked or in pieces.
      for (const piece of ['suicider', 'habites', 'concert', 'vraie Alice'].filter((p) => !url.includes(p)))
        expect(html, `${url}`).not.toContain(piece);
    }
    // The search found the missed post, and says so without its text.
    await dom(owner.page, `/triage?q=${encodeURIComponent('suicider')}`);
    expect(await owner.page.locator(`#post-${missedId} .shield-note`).innerText()).toContain(
      'Text withheld until a proxy marks it harmless',
    );
    // The owner's home is the calm overview: counts, actions taken, help.
    await dom(owner.page, '/');
    expect(await owner.page.locator('.actions-taken').innerText()).toContain('posts reviewed');
    expect(await owner.page.locator('.help-card').innerText()).toContain('3018');

    // The proxy reads what the scorer found harmless, and marks the kind post harmless.
    const proxy = await signIn('proxy@example.org');
    await dom(proxy.page, '/triage');
    expect(await proxy.page.locator(`#post-${missedId} p.text`).innerText()).toBe(MISSED);
    expect(await proxy.page.locator(`#post-${threatId} .blurred`).count()).toBe(1);
    await Promise.all([
      proxy.page.waitForLoadState('load'),
      proxy.page.click(`#post-${kindId} .actions button[value=harmless]`),
    ]);
    await expect.poll(() => proxy.page.locator(`#post-${kindId} .status`).innerText()).toBe('harmless');

    // The owner now reads the cleared post, and still not the others.
    let html = await dom(owner.page, '/triage');
    expect(await owner.page.locator(`#post-${kindId} p.text`).innerText()).toBe(KIND);
    expect(html).not.toContain(MISSED);
    expect(html).not.toContain(THREAT);
    expect(audit('reveal', missedId)).toBe(0);

    // The owner chooses to reveal the missed post: shown, and written to the audit log.
    await Promise.all([
      owner.page.waitForLoadState('load'),
      owner.page.click(`#post-${missedId} button.reveal`),
    ]);
    await expect.poll(() => owner.page.locator(`#post-${missedId} p.text`).innerText()).toBe(MISSED);
    expect(audit('reveal', missedId)).toBe(1);
    html = await owner.page.content();
    expect(html).not.toContain(THREAT);
    await owner.context.close();
    await proxy.context.close();
  }, 120_000);

  it('a proxy confirms a look-alike from its page: audited, in the custody log and on the block list; the owner sees the account, not its posts', async () => {
    const proxy = await signIn('proxy@example.org');
    const dialogs: string[] = [];
    proxy.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await dom(proxy.page, '/lookalikes');
    await proxy.page.waitForTimeout(150);
    expect(dialogs).toEqual([]);
    expect(await proxy.page.locator('.lookalike.status-new .account').allInnerTexts()).toContainEqual(
      expect.stringContaining('<img src=x onerror=alert("xss-handle")>'),
    );
    const card = proxy.page.locator(`#lookalike-${lookalikeId}`);
    expect(await card.locator('.account').innerText()).toContain('@alice_martin_off');
    expect(await card.locator('.reason').innerText()).toContain('added word');
    expect(await card.locator('.similarity').innerText()).toBe('93 %');
    expect(await card.locator(`#post-${impostorPostId} p.text`).innerText()).toBe(IMPOSTOR);
    expect(await card.locator('.lookalike-status').innerText()).toContain('to review');
    await Promise.all([proxy.page.waitForLoadState('load'), card.locator('button.confirm').click()]);
    await expect
      .poll(() => proxy.page.locator(`#lookalike-${lookalikeId} .lookalike-status`).innerText())
      .toContain('impersonation confirmed');
    expect(await proxy.page.locator(`#lookalike-${lookalikeId} button.confirm`).count()).toBe(0);

    const confirmed = f.db.$client
      .prepare(`select actor, watch_id, detail from audit_log where action = 'lookalike_confirm'`)
      .all() as { actor: string; watch_id: string; detail: string }[];
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ actor: 'proxy@example.org', watch_id: 'alice' });
    expect(JSON.parse(confirmed[0]!.detail)).toMatchObject({ lookalikeId, handle: 'alice_martin_off' });
    const ledger = f.db.$client
      .prepare(`select actor, data from evidence_events where type = 'impersonation'`)
      .all() as { actor: string; data: string }[];
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.actor).toBe('proxy@example.org');
    expect(JSON.parse(ledger[0]!.data)).toMatchObject({ handle: 'alice_martin_off', similarity: 0.93 });

    const csv = await proxy.page.request.get(`${base}/authors.csv?watch=alice`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('"web","alice_martin_off","Alice Martin","0","0","impersonation"');

    // The owner sees the account and the decision, never the account's post.
    const owner = await signIn('owner@example.org');
    const html = await dom(owner.page, '/lookalikes');
    expect(await owner.page.locator(`#lookalike-${lookalikeId} .lookalike-status`).innerText()).toContain(
      'impersonation confirmed',
    );
    expect(html).not.toContain('vraie Alice');
    // The owner's overview counts the confirmation among the actions taken.
    await dom(owner.page, '/');
    expect(await owner.page.locator('.actions-taken').innerText()).toMatch(/impersonations confirmed: 1/);
    await owner.context.close();
    await proxy.context.close();
  }, 120_000);
});
