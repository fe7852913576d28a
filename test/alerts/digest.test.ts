import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { addPost, backdateRecipients, HOSTILE_TERMS, setup, XSS, type Setup } from './helpers.ts';
import { unsubscribeRoutes } from '../../src/web/routes/unsubscribe.ts';
import { unsubscribeKey } from '../../src/alerts/unsubscribe-token.ts';

const NOW = Date.parse('2026-11-26T09:00:00Z'); // 10:00 in Paris: yesterday's daily period (08:00 → 08:00) is due
const IN_PERIOD = Date.parse('2026-11-25T15:00:00Z');
const PREVIOUS = Date.parse('2026-11-24T15:00:00Z');

let smtp: FakeSmtp;
let s: Setup;
let postIds: number[];

function unfold(raw: Buffer): string {
  return raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
}

function everything(i: number): string {
  const m = smtp.mails[i]!;
  return [m.subject ?? '', m.text ?? '', typeof m.html === 'string' ? m.html : '', unfold(smtp.raw[i]!)].join(
    '\n',
  );
}

function mailTo(address: string): number {
  const i = smtp.mails.findIndex((m) => JSON.stringify(m.to).includes(address));
  if (i < 0) throw new Error(`no mail to ${address}`);
  return i;
}

beforeEach(async () => {
  smtp = await startFakeSmtp();
  s = await setup({ smtpPort: smtp.port });
  await backdateRecipients(s, Date.parse('2026-11-25T08:00:00Z'));
  postIds = [
    await addPost(s, {
      text: 'Alice Martin tu es une connasse, crève',
      terms: ['connasse', 'crève'],
      level: 'high',
      seenAt: IN_PERIOD,
      author: { handle: 'troll_1', name: 'Troll' },
    }),
    await addPost(s, {
      text: `Regarde ${XSS} quelle salope`,
      terms: ['salope'],
      level: 'high',
      categories: ['insult', 'sexual_harassment'],
      seenAt: IN_PERIOD + 1,
      author: { handle: null, name: XSS, id: 'x1' },
    }),
    await addPost(s, {
      text: 'Je vais te tuer Alice',
      terms: ['tuer'],
      level: 'severe',
      categories: ['threat'],
      seenAt: IN_PERIOD + 2,
      author: { handle: null, name: XSS, id: 'x1' },
    }),
    await addPost(s, { text: 'Alice Martin a donné une belle conférence', seenAt: IN_PERIOD + 3 }),
    await addPost(s, { text: 'espèce de pute', terms: ['pute'], seenAt: PREVIOUS }),
  ];
  // Evidence rows as the evidence module writes them: one archived, one failed, one pending.
  const ins = s.db.$client.prepare(
    `insert into archives (post_id, watch_id, status, attempts, next_attempt_at, requested_by, created_at, updated_at) values (?, 'alice', ?, 1, 0, 'auto', 0, 0)`,
  );
  ins.run(postIds[0], 'archived');
  ins.run(postIds[1], 'failed');
  ins.run(postIds[2], 'pending');
});

afterEach(async () => {
  await smtp.close();
  s.close();
});

describe('digests', () => {
  it("the owner's digest has counts, trend and actions but no hostile word, author or excerpt", async () => {
    const report = await s.alerts.runDigests({}, NOW);
    expect(report).toMatchObject({ recorded: 2, sent: 2, failed: 0 });
    const owner = everything(mailTo('alice@example.org'));
    for (const term of HOSTILE_TERMS) expect(owner.toLowerCase()).not.toContain(term);
    expect(owner).not.toContain('onerror');
    expect(owner).not.toContain('troll_1');
    expect(owner).not.toContain('/posts/');
    const text = smtp.mails[mailTo('alice@example.org')]!.text!;
    expect(text).toContain('3 message(s) hostile(s)'.replace(/^\d+ /, ''));
    expect(text).toMatch(/\* 3 message\(s\) hostile\(s\) — en hausse de 200 %/);
    expect(text).toContain('Menaces 1');
    expect(text).toContain('1 archivée(s), 1 en attente, 1 en échec');
    expect(text).toContain('1 compte(s) ont écrit plusieurs messages hostiles');
    expect(text).toContain('Rien de tout cela n’est de votre faute');
    for (const help of ['3018', '116 006', 'PHAROS']) expect(text).toContain(help);
  });

  it("the proxy's digest masks matched words, escapes attacker text, and links to reveal each post", async () => {
    await s.alerts.runDigests({}, NOW);
    const i = mailTo('bob@example.org');
    const mail = smtp.mails[i]!;
    expect(mail.subject).toBe('Alice Martin — summary for 26 Nov: 3 hostile post(s) (up)');
    expect(mail.text).toContain('c******e');
    expect(mail.text).toContain('s****e');
    expect(mail.text).toContain(`https://vigie.example.org/posts/${postIds[2]}`);
    const all = everything(i).toLowerCase();
    for (const term of ['connasse', 'salope', 'tuer']) expect(all).not.toContain(term);
    const html = mail.html as string;
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Need help?');
    expect(mail.text).toContain('116 006 — France Victimes');
  });

  it('digests carry one-click List-Unsubscribe headers and a stable Message-ID', async () => {
    await s.alerts.runDigests({}, NOW);
    const raw = unfold(smtp.raw[mailTo('bob@example.org')]!);
    expect(raw).toMatch(
      /List-Unsubscribe: <https:\/\/vigie\.example\.org\/unsubscribe\?token=\d+\.[A-Za-z0-9_-]{43}>/,
    );
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const row = (await s.alerts.ctx.messages.list()).find((m) => m.toAddress === 'bob@example.org')!;
    expect(smtp.mails[mailTo('bob@example.org')]!.messageId).toBe(row.messageId);
    expect(row.status).toBe('sent');
  });

  it('sends each (recipient, period) once, however many times it runs, and catches up missed periods', async () => {
    await s.alerts.runDigests({}, NOW);
    await s.alerts.runDigests({}, NOW + 60_000);
    await s.alerts.runDigests({}, NOW + 3_600_000);
    expect(smtp.mails).toHaveLength(2);
    // The service is down for three days: the three missed daily periods are all sent, once.
    await s.alerts.runDigests({}, NOW + 3 * 86_400_000);
    expect(smtp.mails).toHaveLength(8);
    await s.alerts.runDigests({}, NOW + 3 * 86_400_000 + 1);
    expect(smtp.mails).toHaveLength(8);
  });

  it('a recipient switching from daily to hourly gets the latest hour, not a backlog of hours', async () => {
    await s.alerts.runDigests({}, NOW);
    s.db.$client.prepare(`update recipients set digest = 'hourly' where email = 'bob@example.org'`).run();
    const r = await s.alerts.runDigests({}, NOW + 3 * 3_600_000);
    expect(r.recorded).toBe(1);
    expect(smtp.mails.at(-1)!.subject).toMatch(/^Alice Martin — summary for 26 Nov: nothing of concern$/);
    expect(smtp.mails.at(-1)!.text).toContain('Your hourly summary');
  });

  it('holds a digest during quiet hours and sends it when they end', async () => {
    s.close();
    s = await setup({
      smtpPort: smtp.port,
      recipients: [
        {
          email: 'alice@example.org',
          role: 'owner',
          digest: 'daily',
          quietHours: { from: '22:00', to: '09:00' },
        },
      ],
    });
    await backdateRecipients(s, Date.parse('2026-11-25T08:00:00Z'));
    const r1 = await s.alerts.runDigests({}, Date.parse('2026-11-26T07:30:00Z')); // 08:30 Paris: quiet
    expect(r1.recorded).toBe(1);
    expect(smtp.mails).toHaveLength(0);
    await s.alerts.runDigests({}, Date.parse('2026-11-26T08:01:00Z')); // 09:01 Paris
    expect(smtp.mails).toHaveLength(1);
  });

  it('the one-click unsubscribe link stops that recipient’s digests, and a forged token does nothing', async () => {
    await s.alerts.runDigests({}, NOW);
    const raw = unfold(smtp.raw[mailTo('bob@example.org')]!);
    const url = new URL(/List-Unsubscribe: <([^>]+)>/.exec(raw)![1]!);
    const app = Fastify();
    await app.register(fastifyFormbody);
    await app.register(
      unsubscribeRoutes({
        recipients: s.alerts.ctx.recipients,
        unsubscribeKey: () => unsubscribeKey(s.store, s.config.alerts.unsubscribeSecret),
      }),
    );
    const page = await app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    const token = url.searchParams.get('token')!;
    const forged = await app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${token.replace(/^\d+/, '1')}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.statusCode).toBe(404);
    const res = await app.inject({
      method: 'POST',
      url: `${url.pathname}${url.search}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    await s.alerts.runDigests({}, NOW + 86_400_000);
    expect(smtp.mails.filter((m) => JSON.stringify(m.to).includes('bob@example.org'))).toHaveLength(1);
    expect(smtp.mails.filter((m) => JSON.stringify(m.to).includes('alice@example.org'))).toHaveLength(2);
  });
});
