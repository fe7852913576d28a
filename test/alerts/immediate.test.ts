import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { addPost, OWNER, PROXY, setup, XSS, type Setup } from './helpers.ts';
import { createDeps } from '../../src/app/deps.ts';
import { silentLogger } from '../../src/logger.ts';

let smtp: FakeSmtp;
let s: Setup;

// Digests off: these tests tick an hour ahead of the wall clock, and a daily digest falling due
// in that hour (08:00 Paris) would add mail that has nothing to do with immediate alerts.
const NO_DIGEST = { digest: 'off' } as const;

beforeEach(async () => {
  smtp = await startFakeSmtp();
  s = await setup({
    smtpPort: smtp.port,
    alerts: { maxPerHour: 3 },
    recipients: [
      { ...OWNER, ...NO_DIGEST },
      { ...PROXY, ...NO_DIGEST },
    ],
  });
});

afterEach(async () => {
  await smtp.close();
  s.close();
});

const to = (address: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(address));

describe('immediate alerts', () => {
  it('a threat stored by a poll reaches the proxy within the same job cycle, masked and escaped', async () => {
    const deps = await createDeps(s.config, silentLogger(), { store: s.store });
    await deps.driver.start(deps.handlers(), { kinds: ['alert'] });
    const now = Date.now();
    const id = await addPost(s, {
      text: `${XSS} je vais te tuer`,
      terms: ['tuer'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
      author: { handle: null, name: XSS },
    });
    await deps.afterStore('alice', [{ id, hostile: true, level: 'severe', categories: ['threat'] }]);
    await deps.driver.idle();
    await deps.driver.stop();
    expect(to('bob@example.org')).toHaveLength(1);
    const mail = to('bob@example.org')[0]!;
    expect(mail.subject).toBe('Alice Martin — Threats');
    expect(mail.text).toContain('t**r');
    expect(mail.text).not.toContain('tuer');
    expect(mail.text).toContain(`https://vigie.example.org/posts/${id}`);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.text).toContain('PHAROS');
    // The owner did not ask for immediate alerts (the default for owners).
    expect(to('alice@example.org')).toHaveLength(0);
  });

  it('only threats, incitement to suicide, doxxing and severe posts alert', async () => {
    const now = Date.now();
    await addPost(s, { text: 'quelle idiote', terms: ['idiote'], level: 'high', seenAt: now });
    await s.alerts.runAlerts('alice', now);
    expect(smtp.mails).toHaveLength(0);
    await addPost(s, {
      text: 'son adresse est 3 rue X',
      categories: ['doxxing'],
      level: 'severe',
      hostile: true,
      seenAt: now,
    });
    await addPost(s, {
      text: 'va mourir',
      categories: ['suicide_incitement'],
      level: 'high',
      hostile: true,
      seenAt: now,
    });
    await s.alerts.runAlerts('alice', now);
    expect(
      to('bob@example.org')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Alice Martin — Incitement to suicide', 'Alice Martin — Personal information exposed']);
  });

  it('groups a burst: at most maxPerHour messages an hour, the rest in one grouped message', async () => {
    const now = Date.now();
    for (let i = 0; i < 7; i++)
      await addPost(s, {
        text: `menace ${i}: je vais te tuer`,
        terms: ['tuer'],
        categories: ['threat'],
        level: 'severe',
        seenAt: now,
      });
    const r1 = await s.alerts.runAlerts('alice', now);
    expect(r1).toMatchObject({ recorded: 3, sent: 3 });
    const subjects = to('bob@example.org').map((m) => m.subject);
    expect(subjects.filter((x) => x === 'Alice Martin — Threats')).toHaveLength(2);
    expect(subjects).toContain('Alice Martin — 5 posts need your attention');
    const grouped = to('bob@example.org').find((m) => m.subject!.includes('5 posts'))!;
    expect(grouped.text!.match(/view in the dashboard/g)).toHaveLength(5);

    // Two more severe insults in the same hour (no threat, doxxing, incitement to suicide or
    // impersonation): the budget is spent, they wait…
    await addPost(s, {
      text: 'encore: sale connasse',
      terms: ['connasse'],
      categories: ['insult'],
      level: 'severe',
      seenAt: now + 600_000,
    });
    await addPost(s, {
      text: 'et encore: sale connasse',
      terms: ['connasse'],
      categories: ['insult'],
      level: 'severe',
      seenAt: now + 600_000,
    });
    expect((await s.alerts.runAlerts('alice', now + 600_000)).recorded).toBe(0);
    expect(to('bob@example.org')).toHaveLength(3);
    // …and go out at the first tick once the hour has passed, nothing lost, nothing repeated.
    const later = await s.alerts.tick(now + 3_600_000 + 60_000);
    expect(later.sent).toBe(2);
    expect(to('bob@example.org')).toHaveLength(5);
    await s.alerts.tick(now + 3_600_000 + 120_000);
    expect(to('bob@example.org')).toHaveLength(5);
  });

  it('danger is never held back by the budget: past it, one grouped message per run names how many and links each', async () => {
    const now = Date.now();
    for (let i = 0; i < 3; i++)
      await addPost(s, { text: `insulte ${i}: idiote`, terms: ['idiote'], level: 'severe', seenAt: now });
    expect((await s.alerts.runAlerts('alice', now)).recorded).toBe(3);
    expect(to('bob@example.org')).toHaveLength(3); // the budget (3) is spent
    const later = now + 600_000;
    const ids = [
      await addPost(s, {
        text: 'je vais te tuer',
        terms: ['tuer'],
        categories: ['threat'],
        level: 'severe',
        seenAt: later,
      }),
      await addPost(s, {
        text: 'son adresse: 3 rue des Lilas',
        categories: ['doxxing'],
        level: 'high',
        hostile: true,
        seenAt: later,
      }),
      await addPost(s, {
        text: 'va te pendre',
        categories: ['suicide_incitement'],
        level: 'high',
        hostile: true,
        seenAt: later,
      }),
      await addPost(s, {
        text: 'compte usurpé',
        categories: ['impersonation'],
        level: 'high',
        hostile: true,
        seenAt: later,
      }),
    ];
    const insult = await addPost(s, {
      text: 'encore une idiote',
      terms: ['idiote'],
      level: 'severe',
      seenAt: later,
    });
    const r = await s.alerts.runAlerts('alice', later);
    expect(r).toMatchObject({ recorded: 1, sent: 1 });
    const grouped = to('bob@example.org')[3]!;
    expect(grouped.subject).toBe('Alice Martin — 4 posts need your attention');
    for (const id of ids) expect(grouped.text).toContain(`https://vigie.example.org/posts/${id}`);
    // The severe insult is no danger: it waits for the hour, and goes out then.
    expect(grouped.text).not.toContain(`/posts/${insult}`);
    expect((await s.alerts.runAlerts('alice', later + 60_000)).recorded).toBe(0);
    await s.alerts.tick(now + 3_600_000 + 60_000);
    expect(to('bob@example.org')).toHaveLength(5);
    expect(to('bob@example.org')[4]!.text).toContain(`/posts/${insult}`);
  });

  it('a shielded alert for an owner who asked for alerts: no excerpt, no link to the post', async () => {
    s.close();
    s = await setup({ smtpPort: smtp.port, recipients: [{ ...OWNER, alerts: true }] });
    const now = Date.now();
    await addPost(s, {
      text: 'je vais te tuer salope',
      terms: ['tuer', 'salope'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
    });
    await s.alerts.runAlerts('alice', now);
    const mail = to('alice@example.org')[0]!;
    expect(mail.subject).toBe('Alice Martin — Menaces');
    const all = `${mail.text}\n${mail.html as string}`.toLowerCase();
    for (const w of ['tuer', 'salope', 't**r', '/posts/']) expect(all).not.toContain(w);
    expect(mail.text).toContain('vous n’avez pas besoin de le lire');
    expect(mail.text).toContain('116 006');
  });
});
