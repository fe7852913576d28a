import { randomBytes } from 'node:crypto';
import type { ChannelKind, Target } from './channels/channel.ts';
import type { Channels } from './channels/channels.ts';
import { STRINGS, type Lang } from './i18n.ts';
import type { PersonChannel } from './person-channels-repo.ts';

export interface TestResult {
  kind: ChannelKind;
  /** Shown to the person: never a secret. */
  label: string;
  ok: boolean;
  error?: string;
}

export interface TestRecipient {
  email: string;
  lang: Lang;
  channels: readonly PersonChannel[];
}

/**
 * Sends a harmless test message now, on one channel kind or on all of the person's channels
 * (e-mail included), and says for each whether it went through. A test is not an alert: it is
 * not recorded in the message queue, and it carries no post text.
 */
export async function sendTestMessages(
  channels: Channels,
  person: TestRecipient,
  only?: ChannelKind,
  domain = 'vigie.local',
): Promise<TestResult[]> {
  const t = STRINGS[person.lang];
  const targets: { kind: ChannelKind; target: Target; unreadable?: string }[] = [
    { kind: 'email' as ChannelKind, target: { address: person.email } },
    ...person.channels
      .filter((c) => c.enabled)
      .map((c) => ({ kind: c.kind, target: c.target, unreadable: c.unreadable })),
  ].filter((x) => !only || x.kind === only);
  const results: TestResult[] = [];
  for (const { kind, target, unreadable } of targets) {
    const channel = channels[kind];
    const label = channel.describe(target);
    if (unreadable) {
      results.push({ kind, label, ok: false, error: unreadable });
      continue;
    }
    if (!channel.configured()) {
      results.push({ kind, label, ok: false, error: `notifications.${kind} is not configured` });
      continue;
    }
    try {
      await channel.send(target, {
        kind: 'test',
        watchId: '',
        title: t.testSubject,
        text: t.testBody(kind),
        html: `<p>${t.testBody(kind).replace(/[<>&]/g, '')}</p>`,
        idempotencyKey: `<vigie.test.${randomBytes(8).toString('hex')}@${domain}>`,
        date: new Date(),
      });
      results.push({ kind, label, ok: true });
    } catch (err) {
      results.push({ kind, label, ok: false, error: (err as Error).message });
    }
  }
  return results;
}
