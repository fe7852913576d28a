import { sql } from 'drizzle-orm';
// A pile-on of severe posts through the whole chain: the fake X API answers the poll, the real
// scorer scores, the job handlers record the alerts, and a real SMTP server receives them. The
// hourly budget (maxPerHour 5) must not hold any of them back.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.ts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { testDeps } from '../helpers/deps.ts';
import type { Deps } from '../../src/app/deps.ts';

const TOKEN = 'pile-on-token';
const PROXY = 'bob@example.org';
const THREATS = [
  'je vais te tuer',
  'je vais te faire la peau, tu vas crever',
  'on sait où tu habites, on va venir te tuer',
  'va te pendre',
  'I will kill you',
];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<{ fake: FakeXApi; smtp: FakeSmtp; deps: Deps }> {
  const fake = await startFakeXApi({ token: TOKEN, startTime: Date.now() - 3_600_000 });
  cleanups.push(() => fake.close());
  fake.addUser('alice_m', { name: 'Alice Martin' });
  const smtp = await startFakeSmtp();
  cleanups.push(() => smtp.close());
  const t = await testDeps({
    server: { publicUrl: 'https://vigie.example.org' },
    sources: { x: { bearerToken: TOKEN, baseUrl: fake.url, maxRetries: 0, timeoutMs: 5_000 } },
    mail: {
      from: 'Vigie <vigie@example.org>',
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 20_000 },
    },
    alerts: { maxPerHour: 5, unsubscribeSecret: 'test-secret-0123456789abcdef' },
    watches: [
      {
        id: 'alice',
        names: ['Alice Martin'],
        x: { handle: 'alice_m' },
        recipients: [{ email: PROXY, role: 'proxy', language: 'en', digest: 'off' }],
      },
    ],
  });
  cleanups.push(t.cleanup);
  await t.deps.driver.start(t.deps.handlers(), { kinds: ['poll', 'alert'] });
  cleanups.push(() => t.deps.driver.stop());
  return { fake, smtp, deps: t.deps };
}

function pileOn(fake: FakeXApi, round: number, count: number): void {
  fake.addTweets(
    Array.from({ length: count }, (_, i) => ({
      text: `@alice_m ${THREATS[i % THREATS.length]} (${round}.${i})`,
      author: `troll_${round}_${i}`,
      lang: i % THREATS.length === 4 ? 'en' : 'fr',
      createdAt: Date.now() - 60_000 + i,
    })),
  );
}

/** One poll cycle: the poll job, then everything it enqueued (alerts, delivery). */
async function pollCycle(deps: Deps): Promise<void> {
  await deps.driver.enqueue('poll', { task: 'watch', watchId: 'alice' });
  await deps.driver.idle();
}

const postIds = async (deps: Deps) =>
  (await deps.store.all<{ id: number }>(sql`select id from posts where watch_id = 'alice' order by id`)).map(
    (r) => r.id,
  );
const linked = (text: string) =>
  [...text.matchAll(/https:\/\/vigie\.example\.org\/posts\/(\d+)/g)].map((m) => Number(m[1]));

describe('a pile-on of severe posts', () => {
  it('20 threats in one poll reach the proxy within that poll cycle, with maxPerHour 5; 20 more past the budget come as one grouped message', async () => {
    const { fake, smtp, deps } = await start();
    pileOn(fake, 1, 20);
    await pollCycle(deps);
    const first = await postIds(deps);
    expect(first).toHaveLength(20);
    const alerts = smtp.mails.filter(
      (m) => m.subject !== 'Alice Martin — a wave of hostile posts has started',
    );
    // The budget: five messages, the fifth grouping the sixteen others.
    expect(alerts).toHaveLength(5);
    expect(
      alerts.map((m) => m.subject).filter((s) => s === 'Alice Martin — 16 posts need your attention'),
    ).toHaveLength(1);
    expect(alerts.flatMap((m) => linked(m.text!)).sort((a, b) => a - b)).toEqual(first);

    // The wave-start message says what kinds of abuse, and links to the wave's posts.
    const wave = smtp.mails.find((m) => m.subject === 'Alice Martin — a wave of hostile posts has started');
    expect(wave).toBeDefined();
    expect(wave!.text).toMatch(/Kinds of posts: Threats \(\d+\)/);
    const day = new Date().toISOString().slice(0, 10);
    expect(wave!.text).toContain(
      `See the posts of this wave: https://vigie.example.org/triage?watch=alice&from=${day}&sort=worst`,
    );
    expect(wave!.html).toContain(
      `href="https://vigie.example.org/triage?watch=alice&amp;from=${day}&amp;sort=worst"`,
    );

    // Twenty more in the same hour: the budget is spent, and still none of them waits.
    const before = smtp.mails.length;
    pileOn(fake, 2, 20);
    await pollCycle(deps);
    const second = (await postIds(deps)).filter((id) => !first.includes(id));
    expect(second).toHaveLength(20);
    const grouped = smtp.mails.slice(before);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]!.to).toMatchObject({ text: PROXY });
    expect(grouped[0]!.subject).toBe('Alice Martin — 20 posts need your attention');
    expect(grouped[0]!.text).toContain('20 posts that need prompt attention');
    expect(linked(grouped[0]!.text!).sort((a, b) => a - b)).toEqual(second);
    // Escaped and masked as every proxy alert: no threat in clear.
    expect(grouped[0]!.text).not.toContain('tuer');
  }, 120_000);
});
