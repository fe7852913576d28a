import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';
import { addPost, OWNER, PROXY, setup, type Setup } from './helpers.ts';
import { currentWave, listWaves } from '../../src/alerts/waves-repo.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const S = T0 + 7 * 24 * H; // the spike hour, after a quiet week

let smtp: FakeSmtp;
let s: Setup;

beforeEach(async () => {
  smtp = await startFakeSmtp();
  s = await setup({
    smtpPort: smtp.port,
    alerts: { wave: { factor: 3, minCount: 10, quietMinutes: 180, baselineHalfLifeDays: 14 } },
    recipients: [
      OWNER,
      PROXY,
      { email: 'carol@example.org', role: 'reviewer', language: 'fr', digest: 'off' },
    ],
  });
  // A quiet week: one hostile post every two hours.
  for (let t = T0; t < S; t += 2 * H)
    await addPost(s, { text: 'idiote', terms: ['idiote'], seenAt: t + 600_000 });
});

afterEach(async () => {
  await smtp.close();
  s.close();
});

async function burst(hourStart: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await addPost(s, { text: `idiote ${i}`, terms: ['idiote'], seenAt: hourStart + i * 60_000 });
}
const to = (address: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(address));

describe('waves', () => {
  it('a quiet week, a spike, a decay: wave start to the proxy, then the all-clear to those who asked', async () => {
    await s.alerts.runAlerts('alice', S - 1);
    expect(await listWaves(s.store, 'alice')).toHaveLength(0);

    // The spike: 15 hostile posts in the first 20 minutes of the hour.
    await burst(S, 15);
    const r1 = await s.alerts.runAlerts('alice', S + 20 * 60_000);
    expect(r1.sent).toBe(1);
    expect(to('bob@example.org').map((m) => m.subject)).toEqual([
      'Alice Martin — a wave of hostile posts has started',
    ]);
    expect(to('alice@example.org')).toHaveLength(0);
    expect(to('carol@example.org')).toHaveLength(0);
    expect(await currentWave(s.store, 'alice')).toMatchObject({ startedAt: S, endedAt: null, posts: 15 });

    // It grows, then decays.
    await burst(S + H, 40);
    await burst(S + 2 * H, 12);
    await s.alerts.runAlerts('alice', S + 3 * H);
    expect(smtp.mails).toHaveLength(1);
    await burst(S + 3 * H, 2);
    await burst(S + 4 * H, 1);
    await s.alerts.runAlerts('alice', S + 5 * H + 30 * 60_000); // two quiet hours only
    expect(smtp.mails).toHaveLength(1);
    await s.alerts.runAlerts('alice', S + 6 * H + 60_000); // three quiet hours: over
    expect(to('alice@example.org').map((m) => m.subject)).toEqual(['Alice Martin — la vague s’est calmée']);
    expect(to('bob@example.org').map((m) => m.subject)).toEqual([
      'Alice Martin — a wave of hostile posts has started',
      'Alice Martin — the wave has subsided',
    ]);
    expect(to('carol@example.org')).toHaveLength(0);
    expect(to('alice@example.org')[0]!.text).toContain('Elle a compté 67 messages hostiles');
    expect(to('alice@example.org')[0]!.text).toContain('3018');

    const [wave] = await listWaves(s.store, 'alice');
    expect(wave).toMatchObject({
      startedAt: S,
      endedAt: S + 3 * H,
      peakAt: S + H,
      peakCount: 40,
      count: 67,
      topCategories: [{ category: 'insult', count: 67 }],
    });
    expect(await currentWave(s.store, 'alice')).toBeUndefined();
    await s.alerts.tick(S + 8 * H);
    expect(smtp.mails).toHaveLength(3);
  });

  it('a wave that began and ended while the service was down is recorded but not announced', async () => {
    await burst(S, 30);
    await burst(S + H, 30);
    await s.alerts.tick(S + 10 * H);
    expect(await listWaves(s.store, 'alice')).toMatchObject([
      { startedAt: S, endedAt: S + 2 * H, count: 60 },
    ]);
    expect(smtp.mails.filter((m) => /wave|vague/.test(m.subject ?? ''))).toHaveLength(0);
  });
});
