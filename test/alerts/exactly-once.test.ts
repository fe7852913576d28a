import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { addPost, backdateRecipients, OWNER, PROXY, setup, type Setup } from './helpers.ts';
import { createAlerts } from '../../src/app/alerts-wiring.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { openStore } from '../../src/db/open-store.ts';
import type { Store } from '../../src/db/store.ts';
import type { Alerts } from '../../src/alerts/alerts-port.ts';
import { createMessagesRepo, type MessageIntent } from '../../src/alerts/messages-repo.ts';
import { periodContaining } from '../../src/alerts/periods.ts';
import { silentLogger } from '../../src/logger.ts';

// Two service processes may run the same alert or digest job at the same moment (two workers,
// a manual `vigie digest` during the scheduled one). On PostgreSQL each has its own pool on the
// same database: the unique keys on messages and alerted_posts, and the conditional claim, must
// make every alert and digest recorded and sent once whichever process gets there first.

let smtp: FakeSmtp;
let s: Setup;
/** A second, independent connection to the same database: the other process. */
let other: Store;
let otherAlerts: Alerts;

beforeEach(async () => {
  smtp = await startFakeSmtp();
  s = await setup({
    smtpPort: smtp.port,
    alerts: { maxPerHour: 50 },
    recipients: [
      { ...OWNER, alerts: true },
      { ...PROXY, digest: 'daily' },
    ],
  });
  // On SQLite a second connection in this same process cannot race: better-sqlite3 waits for the
  // lock synchronously, so it would stall the event loop of the transaction holding it. There the
  // two jobs share the store (they still interleave at every await); the cross-process case is
  // covered by delivery.test.ts, which runs `vigie digest` in child processes.
  other = s.store.dialect === 'postgres' ? await openStore(s.config) : s.store;
  otherAlerts = createAlerts({
    store: other,
    config: s.config,
    log: silentLogger(),
    watches: createWatchesRepo(other),
  });
});

afterEach(async () => {
  if (other !== s.store) await other.close();
  await smtp.close();
  await s.close();
});

const mailsTo = (address: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(address));

async function messageCount(kind: string): Promise<number> {
  const row = await s.store.get<{ n: number | string }>(
    sql`select count(*) as n from messages where kind = ${kind}`,
  );
  return Number(row!.n);
}

function intent(recipientId: number, dedupeKey: string): MessageIntent {
  return {
    recipientId,
    watchId: 'alice',
    channel: 'email',
    channelId: null,
    kind: 'alert',
    dedupeKey,
    messageId: `<${dedupeKey}@example.org>`,
    toAddress: PROXY.email,
    subject: 'Alice Martin — Threats',
    textBody: 'text',
    htmlBody: '<p>text</p>',
    notBefore: 0,
  };
}

describe('exactly once across two processes on one database', { timeout: 120_000 }, () => {
  it('the same alert job run at once by two processes records and sends each alert once', async () => {
    const now = Date.now();
    for (let round = 0; round < 4; round++) {
      await addPost(s, {
        text: `je vais te tuer (${round})`,
        terms: ['tuer'],
        categories: ['threat'],
        level: 'severe',
        seenAt: now + round,
      });
      await Promise.all([s.alerts.runAlerts('alice', now + round), otherAlerts.runAlerts('alice', now + round)]);
      // Both processes flush what is left (a row claimed by the other is not theirs to send).
      await Promise.all([s.alerts.delivery.flush(now + round), otherAlerts.delivery.flush(now + round)]);
      expect(mailsTo(PROXY.email)).toHaveLength(round + 1);
      expect(mailsTo(OWNER.email)).toHaveLength(round + 1);
    }
    expect(await messageCount('alert')).toBe(8);
    const sent = await s.store.get<{ n: number | string }>(
      sql`select count(*) as n from messages where status = 'sent'`,
    );
    expect(Number(sent!.n)).toBe(8);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(8);
  });

  it('the same digest run at once by two processes sends each (recipient, period) once', async () => {
    const current = periodContaining(Date.now(), 'daily', 'Europe/Paris', { hour: 8, weekday: 1 });
    await backdateRecipients(s, current.start - 3_600_000);
    await addPost(s, { text: 'une idiote', terms: ['idiote'], seenAt: current.start - 1_800_000 });
    const [mine, theirs] = await Promise.all([s.alerts.runDigests({}), otherAlerts.runDigests({})]);
    expect(mine.recorded + theirs.recorded).toBe(2);
    expect(mine.sent + theirs.sent).toBe(2);
    await Promise.all([s.alerts.runDigests({}), otherAlerts.runDigests({})]);
    expect(await messageCount('digest')).toBe(2);
    expect(mailsTo(OWNER.email)).toHaveLength(1);
    expect(mailsTo(PROXY.email)).toHaveLength(1);
  });

  it('racing records of one intent: one row, one winner; racing alerts about one post: one recorded', async () => {
    const recipient = (await s.alerts.ctx.recipients.listActive()).find((r) => r.email === PROXY.email)!;
    const mine = createMessagesRepo(s.store);
    const theirs = createMessagesRepo(other);
    for (let i = 0; i < 10; i++) {
      const both = await Promise.all([
        mine.recordIntent(intent(recipient.id, `same-${i}`)),
        theirs.recordIntent(intent(recipient.id, `same-${i}`)),
      ]);
      expect(both.filter((id) => id !== undefined)).toHaveLength(1);
    }
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      const post = await addPost(s, { text: `je vais te tuer ${i}`, terms: ['tuer'], seenAt: now + i });
      // Different messages (say, a single alert and a grouped one) about the same post.
      const both = await Promise.all([
        mine.recordAlertIntent([intent(recipient.id, `single-${i}`)], [post]),
        theirs.recordAlertIntent([intent(recipient.id, `grouped-${i}`)], [post]),
      ]);
      expect(both.filter((id) => id !== undefined)).toHaveLength(1);
      const alerted = await s.store.get<{ n: number | string }>(
        sql`select count(*) as n from alerted_posts where post_id = ${post}`,
      );
      expect(Number(alerted!.n)).toBe(1);
    }
    // Ten intents and five alerts recorded, nothing more.
    expect(await messageCount('alert')).toBe(15);
    // One claim of a queued row wins.
    const row = (await mine.get((await mine.candidates(Date.now()))[0]!.id))!;
    const claims = await Promise.all([
      mine.claim(row, 'here:1:a', Date.now()),
      theirs.claim(row, 'there:2:b', Date.now()),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
