import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { addPost, backdateRecipients, setup, XSS, type Setup } from './helpers.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const NOW = Date.parse('2026-11-26T09:00:00Z');
const IN_PERIOD = Date.parse('2026-11-25T15:00:00Z');

let browser: Browser;
let s: Setup;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  s = await setup({
    recipients: [
      { email: 'alice@example.org', role: 'owner', language: 'fr', digest: 'daily' },
      { email: 'bob@example.org', role: 'proxy', language: 'en', digest: 'daily' },
    ],
  });
  await backdateRecipients(s, Date.parse('2026-11-25T08:00:00Z'));
  await addPost(s, {
    text: 'Alice Martin tu es une connasse, crève',
    terms: ['connasse', 'crève'],
    level: 'high',
    seenAt: IN_PERIOD,
    author: { handle: 'troll_1', name: 'Troll' },
  });
  await addPost(s, {
    text: `Regarde ${XSS} quelle salope`,
    terms: ['salope'],
    level: 'high',
    categories: ['insult', 'sexual_harassment'],
    seenAt: IN_PERIOD + 1,
    author: { handle: null, name: XSS, id: 'x1' },
  });
  await addPost(s, {
    text: 'Je vais te tuer Alice, je sais où tu habites',
    terms: ['tuer'],
    level: 'severe',
    categories: ['threat'],
    seenAt: IN_PERIOD + 2,
    author: { handle: null, name: XSS, id: 'x1' },
  });
  await addPost(s, { text: 'Alice Martin a donné une belle conférence', seenAt: IN_PERIOD + 3 });
  await addPost(s, { text: 'espèce de pute', terms: ['pute'], seenAt: IN_PERIOD - 86_400_000 });
  // Evidence as the evidence module records it, and a wave still going on.
  const ins = s.db.$client.prepare(
    `insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at) values (?, 'alice', ?, 1, 0, 'auto', 0, 0)`,
  );
  ins.run(1, 'archived');
  ins.run(3, 'archived');
  ins.run(2, 'failed');
  s.db.$client
    .prepare(
      `insert into waves (watch_id, started_at, peak_at, peak_count, ended_at, count, top_categories, baseline, threshold, updated_at)
       values ('alice', ?, ?, 42, null, 118, '[{"category":"insult","count":90}]', 1.2, 10, ?)`,
    )
    .run(IN_PERIOD - 3_600_000, IN_PERIOD, NOW);
  await s.alerts.runDigests({}, NOW);
});

afterAll(async () => {
  await browser?.close();
  s?.close();
});

describe('digest HTML in a real browser', () => {
  for (const [role, address] of [
    ['owner', 'alice@example.org'],
    ['proxy', 'bob@example.org'],
  ] as const) {
    it(`renders the ${role} digest with attacker text inert, and saves a screenshot`, async () => {
      const row = (await s.alerts.ctx.messages.list()).find((m) => m.toAddress === address)!;
      const page = await browser.newPage({ viewport: { width: 720, height: 900 } });
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await page.setContent(row.htmlBody, { waitUntil: 'load' });
      expect(await page.locator('img').count()).toBe(0);
      expect(dialogs).toBe(0);
      await expect(page.locator('body').innerText()).resolves.toContain('116 006');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `digest-${role}.png`), fullPage: true });
      writeFileSync(path.join(ARTIFACTS, `digest-${role}.txt`), `Subject: ${row.subject}\n\n${row.textBody}`);
      await page.close();
    });
  }
});
