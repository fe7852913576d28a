import { afterEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import {
  addPost,
  backdateRecipients,
  HOSTILE_TERMS,
  OWNER,
  PROXY,
  setup,
  XSS,
  type Setup,
} from './helpers.ts';
import { periodContaining } from '../../src/alerts/periods.ts';
import { scheduleDigests } from '../../src/alerts/digest.ts';
import type { Target } from '../../src/alerts/channels/channel.ts';
import type { ChatFake } from '../fakes/chat-fake.ts';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook-receiver.ts';
import { startFakeNtfy, type FakeNtfy } from '../fakes/ntfy.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';
import { startFakeMatrix, type FakeMatrix } from '../fakes/matrix.ts';
import { startFakeSignal, type FakeSignal } from '../fakes/signal-rest.ts';

type Person = 'alice' | 'bob';
interface Seen {
  title: string;
  text: string;
}

interface Harness {
  kind: 'webhook' | 'ntfy' | 'telegram' | 'matrix' | 'signal';
  idempotent: boolean;
  start(): Promise<ChatFake>;
  notifications(url: string): Record<string, unknown>;
  target(url: string, who: Person): Target;
  /** What each person got, as they see it (distinct messages). */
  seen(fake: ChatFake, who: Person): Seen[];
  /** Makes the next request rate-limited, asking for a wait of `ms` where the API can say so. */
  rateLimit(fake: ChatFake, ms: number): void;
}

const SECRET = 'whsec-0123456789abcdef';
const BOT = '123456:ABC-fake-bot-token';
const MATRIX_TOKEN = 'syt_fake_matrix_token';
const SIGNAL_FROM = '+33700000000';
const CHAT: Record<Person, string> = { alice: '1001', bob: '1002' };
const ROOM: Record<Person, string> = { alice: '!alice:fake.local', bob: '!bob:fake.local' };
const PHONE: Record<Person, string> = { alice: '+33600000001', bob: '+33600000002' };

const HARNESSES: Harness[] = [
  {
    kind: 'webhook',
    idempotent: true,
    start: () => startFakeWebhook(SECRET),
    notifications: () => ({}),
    target: (url, who) => ({ url: `${url}/hooks/${who}`, secret: SECRET }),
    seen: (f, who) =>
      (f as FakeWebhook).deliveries
        .filter((d) => d.path === `/hooks/${who}`)
        .map((d) => ({ title: d.title, text: d.text })),
    rateLimit: (f, ms) =>
      f.next({
        answer: { status: 429, headers: { 'retry-after': String(Math.ceil(ms / 1000)) }, body: 'slow down' },
      }),
  },
  {
    kind: 'ntfy',
    idempotent: false,
    start: () => startFakeNtfy({ token: 'tk_fake' }),
    notifications: (url) => ({ ntfy: { serverUrl: url, token: 'tk_fake' } }),
    target: (_url, who) => ({ topic: `vigie-${who}` }),
    seen: (f, who) =>
      (f as FakeNtfy).messages
        .filter((m) => m.topic === `vigie-${who}`)
        .map((m) => ({ title: m.title, text: m.message })),
    rateLimit: (f) => (f as FakeNtfy).rateLimitNext(),
  },
  {
    kind: 'telegram',
    idempotent: false,
    start: () => startFakeTelegram(BOT, Object.values(CHAT)),
    notifications: (url) => ({ telegram: { apiUrl: url, botToken: BOT } }),
    target: (_url, who) => ({ chatId: CHAT[who] }),
    seen: (f, who) =>
      (f as FakeTelegram).messages
        .filter((m) => m.chatId === CHAT[who])
        .map((m) => ({ title: m.bold[0] ?? '', text: m.text })),
    rateLimit: (f, ms) => (f as FakeTelegram).rateLimitNext(Math.ceil(ms / 1000)),
  },
  {
    kind: 'matrix',
    idempotent: true,
    start: () => startFakeMatrix(MATRIX_TOKEN, Object.values(ROOM)),
    notifications: (url) => ({ matrix: { homeserverUrl: url, accessToken: MATRIX_TOKEN } }),
    target: (_url, who) => ({ roomId: ROOM[who] }),
    seen: (f, who) =>
      (f as FakeMatrix).roomEvents
        .filter((e) => e.roomId === ROOM[who])
        .map((e) => ({ title: e.content.body.split('\n')[0]!, text: e.content.body })),
    rateLimit: (f, ms) => (f as FakeMatrix).rateLimitNext(ms),
  },
  {
    kind: 'signal',
    idempotent: false,
    start: () => startFakeSignal(SIGNAL_FROM),
    notifications: (url) => ({ signal: { apiUrl: url, number: SIGNAL_FROM } }),
    target: (_url, who) => ({ number: PHONE[who] }),
    seen: (f, who) =>
      (f as FakeSignal).messages
        .filter((m) => m.to === PHONE[who])
        .map((m) => ({ title: m.message.split('\n')[0]!, text: m.message })),
    rateLimit: (f) => (f as FakeSignal).rateLimitNext(),
  },
];

let fake: ChatFake | undefined;
let s: Setup | undefined;

afterEach(async () => {
  await fake?.close();
  s?.close();
  fake = undefined;
  s = undefined;
});

async function start(
  h: Harness,
  more: (url: string) => Record<string, unknown> = () => ({}),
): Promise<{ s: Setup; fake: ChatFake }> {
  fake = await h.start();
  s = await setup({
    recipients: [{ ...OWNER, alerts: true }, PROXY],
    extra: {
      network: { allowPrivateAddresses: true },
      notifications: {
        retryDelayMs: 5,
        maxRateLimitWaitMs: 3000,
        ...h.notifications(fake.url),
        ...more(fake.url),
      },
    },
  });
  for (const [who, email] of [
    ['alice', OWNER.email],
    ['bob', PROXY.email],
  ] as const) {
    const person = (await s.alerts.personChannels.personByEmail(email))!;
    const channel = s.alerts.channels[h.kind];
    await s.alerts.personChannels.add(person.id, h.kind, channel.parseTarget(h.target(fake.url, who)));
  }
  // Recipients since before the current daily period, so that one digest is due.
  const current = periodContaining(Date.now(), 'daily', 'Europe/Paris', { hour: 8, weekday: 1 });
  await backdateRecipients(s, current.start - 3_600_000);
  await addPost(s, { text: 'une idiote', terms: ['idiote'], seenAt: current.start - 1_800_000 });
  return { s, fake };
}

function channelRows(st: Setup, kind: string) {
  return st.db.$client
    .prepare(
      `select id, status, kind, recipient_id as recipientId from messages where channel like ? order by id`,
    )
    .all(`${kind}:%`) as { id: number; status: string; kind: string; recipientId: number }[];
}

/** The state a process leaves when it dies mid-send: the row claimed by a pid that is gone. */
function leftByDeadProcess(st: Setup, ids: number[], status: 'sending' | 'committing'): void {
  const stmt = st.db.$client.prepare(
    `update messages set status = ?, claimed_by = ?, claimed_at = ? where id = ?`,
  );
  for (const id of ids) stmt.run(status, `${hostname()}:999999999:dead`, Date.now(), id);
}

const hostileIn = (text: string) => HOSTILE_TERMS.filter((w) => text.toLowerCase().includes(w));

describe.each(HARNESSES)('the $kind channel', { timeout: 60_000 }, (h) => {
  it('an immediate alert and a digest reach each person exactly once across a refused try and crashes; the owner never reads a hostile word', async () => {
    const { s, fake } = await start(h);
    const now = Date.now();
    // The service is down for the first request: tried again within the attempt.
    fake.next({ answer: { status: 502, body: 'Bad Gateway' } });
    await addPost(s, {
      text: `${XSS} je vais te tuer, salope`,
      terms: ['tuer', 'salope'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
      author: { handle: null, name: XSS },
    });
    const report = await s.alerts.runAlerts('alice', now);
    expect(report.failed).toBe(0);
    const bob = h.seen(fake, 'bob');
    const alice = h.seen(fake, 'alice');
    expect(bob).toHaveLength(1);
    expect(alice).toHaveLength(1);
    expect(bob[0]!.title).toBe('Alice Martin — Threats');
    expect(alice[0]!.title).toBe('Alice Martin — Menaces');
    expect(bob[0]!.text).toContain('t**r');
    expect(hostileIn(bob[0]!.text)).toEqual([]);
    expect(hostileIn(alice[0]!.text)).toEqual([]);
    expect(alice[0]!.text).not.toContain('t**r');
    expect(alice[0]!.text).not.toContain('/posts/');

    // A process died after the request left, before it recorded the answer.
    const proxyAlert = channelRows(s, h.kind).find((r) => r.kind === 'alert' && r.status === 'sent')!;
    leftByDeadProcess(s, [proxyAlert.id], 'committing');
    await s.alerts.delivery.flush();
    expect(h.seen(fake, 'bob')).toHaveLength(1);
    expect((await s.alerts.ctx.messages.get(proxyAlert.id))!.status).toBe(
      h.idempotent ? 'sent' : 'unconfirmed',
    );

    // The digest: recorded, then the sender dies before any request left.
    expect(await scheduleDigests(s.alerts.ctx, now)).toBe(2);
    const digests = channelRows(s, h.kind).filter((r) => r.kind === 'digest');
    expect(digests).toHaveLength(2);
    leftByDeadProcess(
      s,
      digests.map((d) => d.id),
      'sending',
    );
    const after = await s.alerts.runDigests({}, now);
    expect(after.recorded).toBe(0);
    await s.alerts.runDigests({}, now);
    await s.alerts.tick(now);
    for (const who of ['alice', 'bob'] as const) {
      const got = h.seen(fake, who).filter((m) => /summary|résumé/.test(m.title));
      expect(got).toHaveLength(1);
      expect(got[0]!.title).toMatch(/^Alice Martin — /);
    }
    const ownerDigest = h.seen(fake, 'alice').find((m) => /résumé/.test(m.title))!;
    expect(hostileIn(ownerDigest.text)).toEqual([]);
    expect(ownerDigest.text).not.toContain('i****e');
    // The proxy's digest is worded for a proxy and shows the masked post.
    const proxyDigest = h.seen(fake, 'bob').find((m) => /summary/.test(m.title))!;
    expect(proxyDigest.text).toContain('i****e');
    // E-mail went out alongside (to the outbox here), once per person and message.
    const emails = s.db.$client
      .prepare(`select count(*) as n from messages where channel = 'email' and status = 'sent'`)
      .get() as { n: number };
    expect(emails.n).toBe(4);
  });

  it('a rate limit is waited out as the service asks, then the message is delivered once', async () => {
    const { s, fake } = await start(h);
    h.rateLimit(fake, 1000);
    const now = Date.now();
    await addPost(s, {
      text: 'je vais te tuer',
      terms: ['tuer'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
    });
    const before = fake.requests.length;
    const t0 = Date.now();
    const report = await s.alerts.runAlerts('alice', now);
    expect(report).toMatchObject({ failed: 0, retrying: 0 });
    expect(h.seen(fake, 'bob')).toHaveLength(1);
    expect(h.seen(fake, 'alice')).toHaveLength(1);
    expect(fake.requests.length - before).toBe(3);
    if (['telegram', 'matrix', 'webhook'].includes(h.kind))
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('attacker text arrives as typed: no markup, no Markdown, no direction override', async () => {
    const { s, fake } = await start(h);
    const now = Date.now();
    const text =
      '<b>gras</b> & *étoiles* _souligné_ `code` [lien](https://x.example) \u202Eevil\u202C je vais te tuer';
    await addPost(s, { text, terms: ['tuer'], categories: ['threat'], level: 'severe', seenAt: now });
    await s.alerts.runAlerts('alice', now);
    const got = h.seen(fake, 'bob');
    expect(got).toHaveLength(1);
    for (const piece of [
      '<b>gras</b>',
      ' & ',
      '*étoiles*',
      '_souligné_',
      '`code`',
      '[lien](https://x.example)',
    ])
      expect(got[0]!.text).toContain(piece);
    expect(got[0]!.text).not.toContain('\u202E');
    expect(got[0]!.text).toContain('evil');
    if (h.kind === 'matrix') {
      const html = (fake as FakeMatrix).roomEvents.find((e) => e.roomId === ROOM.bob)!.content
        .formatted_body!;
      expect(html).toContain('&lt;b&gt;gras&lt;/b&gt; &amp; *étoiles*');
      expect(html).not.toContain('<b>gras');
    }
    if (h.kind === 'ntfy') expect((fake as FakeNtfy).messages.every((m) => !m.markdown)).toBe(true);
    if (h.kind === 'signal')
      expect((fake as FakeSignal).messages.every((m) => m.textMode === 'normal')).toBe(true);
  });
});

describe('rate limits and refusals', { timeout: 60_000 }, () => {
  it('a long Telegram retry_after ends the attempt: the row waits until then, nothing is lost', async () => {
    const h = HARNESSES.find((x) => x.kind === 'telegram')!;
    const { s, fake } = await start(h);
    (fake as FakeTelegram).rateLimitNext(120, 2);
    const now = Date.now();
    await addPost(s, {
      text: 'je vais te tuer',
      terms: ['tuer'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
    });
    const report = await s.alerts.runAlerts('alice', now);
    expect(report.retrying).toBe(2);
    const rows = s.db.$client
      .prepare(`select status, not_before as notBefore from messages where channel like 'telegram:%'`)
      .all() as { status: string; notBefore: number }[];
    expect(rows.map((r) => r.status)).toEqual(['queued', 'queued']);
    for (const r of rows) expect(r.notBefore).toBeGreaterThanOrEqual(now + 119_000);
    expect((await s.alerts.delivery.flush(now + 60_000)).sent).toBe(0);
    expect((await s.alerts.delivery.flush(Date.now() + 121_000)).sent).toBe(2);
    expect(h.seen(fake, 'bob')).toHaveLength(1);
  });

  it('a refused token is final (no retry loop) and never appears in the recorded error', async () => {
    const h = HARNESSES.find((x) => x.kind === 'telegram')!;
    const { s, fake } = await start(h, (url) => ({
      telegram: { apiUrl: url, botToken: '999:wrong-secret-token' },
    }));
    const now = Date.now();
    await addPost(s, {
      text: 'je vais te tuer',
      terms: ['tuer'],
      categories: ['threat'],
      level: 'severe',
      seenAt: now,
    });
    const report = await s.alerts.runAlerts('alice', now);
    expect(report.failed).toBe(2);
    expect(fake.requests).toHaveLength(2);
    const errors = s.db.$client
      .prepare(`select last_error as e from messages where channel like 'telegram:%'`)
      .all() as { e: string }[];
    for (const { e } of errors) {
      expect(e).toBe('HTTP 401: Unauthorized');
      expect(e).not.toContain('wrong-secret');
    }
  });
});
