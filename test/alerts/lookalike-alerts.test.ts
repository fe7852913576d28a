import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { OWNER, PROXY, setup, XSS, type Setup } from './helpers.ts';
import { createIdentityRepo } from '../../src/identity/identity-repo.ts';

let smtp: FakeSmtp;
let s: Setup;

beforeEach(async () => {
  smtp = await startFakeSmtp();
  // The owner asked for alerts too: look-alikes still go to the proxies only.
  s = await setup({
    smtpPort: smtp.port,
    alerts: { maxPerHour: 1 },
    recipients: [{ ...OWNER, alerts: true }, PROXY],
  });
});

afterEach(async () => {
  await smtp.close();
  s.close();
});

const candidate = async (accountId: string, handle: string, similarity: number) =>
  (
    await createIdentityRepo(s.store).upsertCandidate({
      watchId: 'alice',
      platform: 'x',
      accountId,
      handle,
      name: XSS,
      reason: `handle ${handle}: confusable characters`,
      similarity,
      foundBy: 'search',
      at: Date.now(),
    })
  ).row;

describe('look-alike account alerts', () => {
  it('a new look-alike above the threshold alerts the proxies at once, exactly once per account, escaped', async () => {
    const close = await candidate('111', 'alice_martin_', 0.95);
    await candidate('222', 'alicem_fan', 0.8);
    const now = Date.now();
    await s.alerts.runAlerts('alice', now);
    await s.alerts.runAlerts('alice', now + 60_000);
    await s.alerts.tick(now + 120_000);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(JSON.stringify(mail.to)).toContain('bob@example.org');
    expect(mail.subject).toBe('Alice Martin — an account looks like the protected person’s');
    expect(mail.text).toContain('@alice_martin_ (x, similarity 95 %)');
    expect(mail.text).toContain('https://vigie.example.org/lookalikes?watch=alice');
    expect(mail.html).not.toContain('<img');
    expect((await createIdentityRepo(s.store).getCandidate(close.id))!.notifiedAt).not.toBeNull();
  });

  it('below the threshold it waits for a reviewer; once confirmed, it alerts at once (outside the hourly budget)', async () => {
    const far = await candidate('222', 'alicem_fan', 0.8);
    const now = Date.now();
    await s.alerts.runAlerts('alice', now);
    expect(smtp.mails).toHaveLength(0);
    await createIdentityRepo(s.store).setStatus(far.id, 'confirmed', now);
    await s.alerts.runAlerts('alice', now + 60_000);
    await s.alerts.runAlerts('alice', now + 120_000);
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      'Alice Martin — an account looks like the protected person’s',
    ]);
  });

  it('the threshold is a setting: alerts.lookalikeMinSimilarity', async () => {
    s.close();
    s = await setup({ smtpPort: smtp.port, alerts: { lookalikeMinSimilarity: 0.75 }, recipients: [PROXY] });
    await candidate('222', 'alicem_fan', 0.8);
    await s.alerts.runAlerts('alice', Date.now());
    expect(smtp.mails).toHaveLength(1);
  });
});
