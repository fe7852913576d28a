import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { makeFixture, PASSWORD, type Fixture } from './helpers.ts';
import { en } from '../../src/web/i18n/en.ts';
import { fr } from '../../src/web/i18n/fr.ts';
import { CATEGORIES, LEVELS } from '../../src/scoring/index.ts';
import { EVENT_TYPES } from '../../src/db/ledger/ledger.ts';
import { FINAL_FAILURES } from '../../src/evidence/archive-repo.ts';
import { ROLES } from '../../src/web/auth/users-repo.ts';

// Every page, for every role, on a phone (390×844) in French: nothing wider than the screen, and no
// English word of the catalogue nor any internal id (level, category, source kind, status, archive
// state, custody event, audit action, role) in what the page shows.

const ARTIFACTS = path.resolve('test/artifacts');
const USERS = {
  owner: 'alice.martin@exemple.fr',
  proxy: 'proche.de.confiance@exemple.fr',
  reviewer: 'relectrice@exemple.fr',
} as const;

/** Ids that must never reach a French page as such. */
const prefixed = (prefix: string) =>
  Object.keys(en)
    .filter((k) => k.startsWith(`${prefix}.`))
    .map((k) => k.slice(prefix.length + 1));
const INTERNAL_IDS = [
  ...LEVELS,
  ...CATEGORIES,
  ...prefixed('source'),
  ...prefixed('auditAction'),
  ...prefixed('status'),
  ...prefixed('archiveStatus'),
  ...EVENT_TYPES,
  ...FINAL_FAILURES,
  ...ROLES,
  'pending',
  'submitted',
];
/**
 * English words of the catalogue that may stand on a French page: good French too ("Contenu
 * hostile masqué"), or a language's own name in the language chooser ("English").
 */
const FRENCH_TOO = new Set(['hostile', 'English']);
/** The English catalogue's words that French says differently. */
const ENGLISH_ONLY = (Object.keys(en) as (keyof typeof en)[])
  .filter((k) => en[k] !== fr[k] && en[k].length >= 3 && !FRENCH_TOO.has(en[k]))
  .map((k) => en[k]);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whole-word, case-sensitive: "Exports" is French too, "export" alone is an id. */
function leaks(text: string, words: readonly string[]): string[] {
  return [...new Set(words)].filter((w) =>
    new RegExp(`(?<![\\p{L}\\p{N}_@./-])${escapeRe(w)}(?![\\p{L}\\p{N}_@/-])`, 'u').test(text),
  );
}

describe('every page on a phone, in French', () => {
  let f: Fixture;
  let browser: Browser;
  let base: string;
  let postIds: number[];
  let longId: number;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    f = await makeFixture({ watches: ['alice'] });
    const ids: Record<string, number> = {};
    for (const role of ROLES) ids[role] = await f.addUser(USERS[role], role, ['alice']);
    f.db.$client.prepare(`update users set lang = 'fr'`).run();
    const src = f.deps.sources;
    await src.syncForWatch('alice', [
      { kind: 'feed', target: 'https://feeds.example.org/alice.xml' },
      { kind: 'x_mentions', target: 'alice_martin_officielle_compte_tres_long_pour_voir' },
      { kind: 'mastodon_tag', target: 'soutienaalicemartinpartoutetpourtoujours' },
    ]);
    const now = Date.now();
    const day = 86_400_000;
    for (let d = 10; d >= 1; d--)
      await f.addPosts(
        'alice',
        [
          {
            text: `Alice, espèce d'idiote (${d})`,
            handle: `troll${d % 3}`,
            level: d % 2 ? 'high' : 'medium',
            categories: ['insult'],
            matches: [{ term: 'idiote', category: 'insult', severity: 2, start: 15, end: 21 }],
          },
        ],
        now - d * day,
      );
    postIds = await f.addPosts('alice', [
      {
        text: 'Alice, je sais où tu habites, fais attention',
        handle: 'menace_anonyme',
        name: 'Anonyme',
        level: 'severe',
        categories: ['threat', 'doxxing_language'],
        matches: [{ term: 'je sais où tu habites', category: 'threat', severity: 3, start: 7, end: 28 }],
      },
      { text: 'Bravo pour le concert, Alice !', handle: 'admiratrice', level: 'low' },
      { text: 'Alice Martin passe à la radio ce soir.', name: 'Journal local' },
    ]);
    [longId] = (await f.addPosts('alice', [
      {
        text: `Alice ${'a'.repeat(400)} fin`,
        handle: `${'x'.repeat(80)}`,
        name: `Nom ${'tres'.repeat(30)}`,
        level: 'medium',
        categories: ['profanity'],
        url: `https://example.org/${'chemin/'.repeat(40)}fin`,
      },
    ])) as [number];
    // Evidence, reports, views and audit entries of every kind the pages show.
    const evidence = f.deps.evidencePort;
    for (const id of [postIds[0]!, longId]) await evidence.flagForArchive?.(id, USERS.proxy);
    f.db.$client
      .prepare(
        `update archives set status = 'archived', capture_url = 'https://web.archive.org/web/2026/x' where post_id = ?`,
      )
      .run(postIds[0]);
    await evidence.recordViewed({ watchId: 'alice', postId: postIds[0]!, actor: USERS.proxy });
    await f.deps.triage.addReport(
      [postIds[0]!],
      { channel: 'pharos', reportedAt: now - day, reference: 'PHAROS-2026-0042-REFERENCE-LONGUE' },
      ids.proxy!,
    );
    await f.deps.triage.setStatus([postIds[1]!], 'reviewed', ids.proxy!);
    const audit = f.deps.audit;
    const proxy = { userId: ids.proxy!, actor: USERS.proxy };
    await audit.record({ ...proxy, action: 'login', detail: { ip: '203.0.113.7' } });
    await audit.record({ ...proxy, action: 'reveal', watchId: 'alice', postId: postIds[0] });
    await audit.record({
      ...proxy,
      action: 'review',
      watchId: 'alice',
      postId: postIds[1],
      detail: { status: 'reviewed' },
    });
    await audit.record({
      ...proxy,
      action: 'report',
      watchId: 'alice',
      postId: postIds[0],
      detail: { channel: 'pharos', reference: 'PHAROS-2026-0042-REFERENCE-LONGUE' },
    });
    await audit.record({
      ...proxy,
      action: 'export',
      watchId: 'alice',
      detail: { from: '2026-01-01', to: null, minLevel: 'high' },
    });
    await audit.record({ ...proxy, action: 'user_lang', detail: { lang: 'fr' } });
    await audit.record({ ...proxy, action: 'login_failed', detail: { ip: '203.0.113.7', reauth: true } });
    await audit.record({ ...proxy, action: 'export_blocklist', watchId: 'alice', detail: { authors: 3 } });
    await audit.record({
      userId: null,
      actor: 'system',
      action: 'login_alert',
      detail: { failures: 6, addresses: 2 },
    });
    await audit.record({
      userId: ids.owner!,
      actor: USERS.owner,
      action: 'user_add',
      detail: { email: USERS.reviewer, role: 'reviewer', watches: ['alice'] },
    });

    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function phone(): Promise<BrowserContext> {
    return browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      // Not isMobile: a mobile viewport widens itself to fit what overflows, and the check below
      // would compare the page with itself.
    });
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('form.stack button[type=submit]')]);
  }

  /** Width and every word a person meets on the page: text, options, titles, labels. */
  async function inspect(
    page: Page,
  ): Promise<{ scrollWidth: number; innerWidth: number; text: string; wide: string[] }> {
    // A string, so this Node-side file needs no DOM types.
    return page.evaluate(`(() => {
      const attrs = [...document.querySelectorAll('[title],[aria-label],[placeholder],[alt]')].flatMap((e) =>
        ['title', 'aria-label', 'placeholder', 'alt'].map((a) => e.getAttribute(a) || ''),
      );
      const options = [...document.querySelectorAll('option')].map((o) => o.textContent || '');
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5)
        .map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
      return {
        wide,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        text: [document.title, document.body.innerText, ...options, ...attrs].join('\\n'),
      };
    })()`);
  }

  function pagesFor(role: keyof typeof USERS): string[] {
    const common = [
      '/',
      '/authors',
      '/watches',
      '/lookalikes',
      '/exports',
      '/help',
      '/account',
      '/page-qui-nexiste-pas',
    ];
    const posts = [...postIds, longId].map((id) => `/posts/${id}`);
    if (role === 'reviewer') return [...common, '/triage', '/audit', ...posts];
    const triage = [
      '/triage',
      '/triage?sort=worst',
      '/triage?level=severe',
      '/watches/new',
      '/watches/alice/edit',
    ];
    return [
      ...common,
      ...triage,
      ...posts,
      ...(role === 'owner' ? ['/audit', '/audit?before=999999'] : ['/audit']),
    ];
  }

  for (const role of ROLES) {
    it(`${role}: every page fits 390 px and speaks French only`, async () => {
      const context = await phone();
      const page = await context.newPage();
      await signIn(page, USERS[role]);
      const problems: string[] = [];
      const seen: string[] = [];
      for (const url of pagesFor(role)) {
        const res = await page.goto(`${base}${url}`);
        await page.waitForLoadState('load');
        seen.push(`${url} ${res?.status()}`);
        const { scrollWidth, innerWidth, text, wide } = await inspect(page);
        expect(innerWidth).toBe(390);
        if (scrollWidth > innerWidth)
          problems.push(`${url}: ${scrollWidth} px wide in ${innerWidth} px (${wide.join(' ')})`);
        const ids = leaks(text, INTERNAL_IDS);
        if (ids.length) problems.push(`${url}: internal ids ${ids.join(', ')}`);
        const english = leaks(text, ENGLISH_ONLY);
        if (english.length) problems.push(`${url}: English ${english.join(' | ')}`);
        if (role === 'owner' && ['/audit', '/authors', `/posts/${postIds[0]}`, '/', '/triage'].includes(url))
          await page.screenshot({
            path: path.join(
              ARTIFACTS,
              `phone-${role}${url.replace(/[/?=]+/g, '-').replace(/-$/, '') || '-home'}.png`,
            ),
            fullPage: true,
          });
      }
      expect(problems).toEqual([]);
      // The pages were the real ones (signed in, French), not a login or error page each time.
      expect(seen).toContain('/ 200');
      expect(seen).toContain('/page-qui-nexiste-pas 404');
      expect(seen).toContain(`/audit ${role === 'owner' ? 200 : 403}`);
      await context.close();
    }, 240_000);
  }

  it('the sign-in page and its limits fit a phone too, and the browser tells the account its time zone', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    const login = await inspect(page);
    expect(login.scrollWidth).toBeLessThanOrEqual(login.innerWidth);
    expect(leaks(login.text, ENGLISH_ONLY)).toEqual([]);
    // A new account has no zone: its first sign-in from this browser sets the browser's.
    await f.addUser('nouvelle@exemple.fr', 'proxy', ['alice']);
    const zone = () =>
      f.db.$client.prepare('select time_zone from users where email = ?').get('nouvelle@exemple.fr');
    expect(zone()).toEqual({ time_zone: null });
    await signIn(page, 'nouvelle@exemple.fr');
    expect(zone()).toEqual({ time_zone: 'Europe/Paris' });
    await context.close();
  }, 120_000);

  it('the custody log of a post keeps its whole hashes on a phone, with a copy button', async () => {
    const context = await phone();
    const page = await context.newPage();
    await signIn(page, USERS.proxy);
    await page.goto(`${base}/posts/${postIds[0]}`);
    const hashes = page.locator('table.events code.hash');
    expect(await hashes.count()).toBeGreaterThan(1);
    for (const text of await hashes.allInnerTexts())
      expect(text.replace(/\s/g, '')).toMatch(/^[0-9a-f]{64}$/);
    // Each hash is inside the screen, and its copy button shows (the script unhides it).
    const box = await hashes.first().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expect.poll(() => page.locator('table.events button.copy').first().isVisible()).toBe(true);
    await context.close();
  }, 120_000);
});
