import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import { ChannelError, type Channel, type Target } from './channels/channel.ts';
import type { Channels } from './channels/channels.ts';
import type { MessageKind, MessageRow, MessagesRepo } from './messages-repo.ts';
import type { PersonChannelsRepo } from './person-channels-repo.ts';

/*
 * Exactly once per message, across crashes — the state machine of a `messages` row:
 *
 *   queued ──claim──► sending ──(last byte about to leave)──► committing ──(250 OK)──► sent
 *     ▲                  │                                        │
 *     └── refused (4xx/5xx) or network error before the commit ───┘ network error after it ──► unconfirmed
 *
 * The intent (rendered message, stable Message-ID, unique (recipient, dedupe key)) is written
 * BEFORE anything is sent, so a period or an alert is never forgotten and never recorded twice.
 *
 * The hard case is a crash in the middle of an SMTP transaction: did the server take the message?
 * SMTP answers that precisely. A server may only accept a message once it has read the
 * end-of-data marker ("\r\n.\r\n"); a connection that drops before the marker leaves no message.
 * So the mailer calls `beforeCommit` just before the marker is written and waits for it: the row
 * moves to `committing` (a write the database has acknowledged) first:
 *  - a row left in `sending` by a dead process provably was not delivered → it is sent again,
 *    with the same Message-ID;
 *  - a row left in `committing` may have been delivered (the server had the whole message and was
 *    about to answer). Sending again could duplicate it, so it becomes `unconfirmed` and is NOT
 *    resent: we prefer the rare "probably delivered, no receipt" to a certain duplicate, and the
 *    state is shown by `vigie outbox` / the dashboard. A 4xx/5xx answer after the marker is an
 *    explicit refusal, so that case is retried normally.
 * The outbox transport needs none of this: the file is named after the Message-ID and renamed into
 * place atomically, so an existing file means "delivered" and a missing one "not delivered".
 *
 * Other channels (src/alerts/channels/) follow the same machine, one row per channel: the row
 * moves to `committing` just before the HTTP request leaves. An answer from the server settles it
 * (2xx sent, anything else refused and retried); a connection lost after the request left is
 * `unconfirmed` for a channel that could duplicate (ntfy, Telegram, Signal), and simply retried for
 * one whose server dedupes by the message's key (Matrix txnId, the webhook's delivery id).
 *
 * "Dead process": a claim carries host, pid and a per-process token. On the same host a claim whose
 * pid no longer runs (or is our own pid with another token: a restarted container) is dead at once,
 * which is what lets `vigie digest --now` finish the job of a killed run immediately; a claim from
 * another host is taken over only when its lease has expired.
 */

const PROCESS_TOKEN = randomBytes(6).toString('hex');
const HOST = hostname();
export const CLAIMER = `${HOST}:${process.pid}:${PROCESS_TOKEN}`;
const LEASE_MS = 15 * 60_000;
const MAX_ATTEMPTS = 12;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that claimed this row can no longer be working on it. */
export function claimIsDead(claimedBy: string | null, claimedAt: number | null, now: number): boolean {
  if (!claimedBy) return true;
  const [host, pidText, token] = claimedBy.split(':');
  const pid = Number(pidText);
  if (host === HOST && Number.isInteger(pid)) {
    if (pid === process.pid) return token !== PROCESS_TOKEN;
    if (!pidAlive(pid)) return true;
  }
  return claimedAt === null || now - claimedAt > LEASE_MS;
}

export interface DeliveryDeps {
  messages: MessagesRepo;
  channels: Channels;
  /** Where the targets of channels beyond e-mail are read, at send time (no secret in a message row). */
  personChannels: PersonChannelsRepo;
  log: Logger;
}

export interface FlushReport {
  sent: number;
  unconfirmed: number;
  retrying: number;
  failed: number;
}

export function createDelivery(deps: DeliveryDeps) {
  const inFlight = new Set<number>();

  /** The channel and target of a row, or why it can no longer be sent. */
  async function route(row: MessageRow): Promise<{ channel: Channel; target: Target } | { gone: string }> {
    if (row.channel === 'email' || row.channelId === null)
      return { channel: deps.channels.email, target: { address: row.toAddress } };
    const pc = await deps.personChannels.get(row.channelId);
    if (!pc || !pc.enabled) return { gone: 'the channel was removed' };
    if (pc.unreadable) return { gone: pc.unreadable };
    return { channel: deps.channels[pc.kind], target: pc.target };
  }

  async function attempt(row: MessageRow, now: number, report: FlushReport): Promise<void> {
    const log = deps.log.child({ message: row.id, kind: row.kind, watch: row.watchId, channel: row.channel });
    const routed = await route(row);
    if ('gone' in routed) {
      await deps.messages.markRetry(row.id, routed.gone, true);
      report.failed++;
      log.warn({ err: routed.gone }, 'message not delivered: its channel is gone');
      return;
    }
    const { channel, target } = routed;
    if (!(await deps.messages.claim(row, CLAIMER, now))) return;
    inFlight.add(row.id);
    try {
      const result = await channel.send(
        target,
        {
          kind: row.kind as MessageKind,
          watchId: row.watchId,
          title: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          idempotencyKey: row.messageId,
          unsubscribeUrl: row.unsubscribeUrl,
          date: new Date(now),
        },
        { beforeCommit: () => deps.messages.markCommitting(row.id) },
      );
      await deps.messages.markSent(row.id, result.transport, Date.now());
      report.sent++;
      log.info({ transport: result.transport, again: result.alreadyDelivered ?? false }, 'message delivered');
    } catch (err) {
      const e =
        err instanceof ChannelError ? err : new ChannelError((err as Error).message, false, false, false);
      if (e.afterCommit && !e.refused && !channel.idempotent) {
        await deps.messages.markSent(
          row.id,
          channel.kind === 'email' ? 'smtp' : channel.kind,
          Date.now(),
          'unconfirmed',
          e.message,
        );
        report.unconfirmed++;
        log.warn(
          { err: e.message },
          'connection lost after the whole message was sent: recorded as unconfirmed, not resent',
        );
        return;
      }
      const giveUp = e.permanent || row.attempts + 1 >= MAX_ATTEMPTS;
      const retryAt = e.retryAfterMs !== undefined ? Date.now() + e.retryAfterMs : undefined;
      await deps.messages.markRetry(row.id, e.message, giveUp, retryAt);
      if (giveUp) report.failed++;
      else report.retrying++;
      log.warn(
        { err: e.message, attempt: row.attempts + 1, giveUp },
        giveUp
          ? 'message could not be delivered; given up'
          : 'message not delivered; retried at the next tick',
      );
    } finally {
      inFlight.delete(row.id);
    }
  }

  return {
    /** Sends every message that is due, resolving attempts left behind by dead processes. */
    async flush(now = Date.now()): Promise<FlushReport> {
      const report: FlushReport = { sent: 0, unconfirmed: 0, retrying: 0, failed: 0 };
      for (const row of await deps.messages.candidates(now)) {
        if (inFlight.has(row.id)) continue;
        if (row.status !== 'queued' && !claimIsDead(row.claimedBy, row.claimedAt, now)) continue;
        const routed = row.status === 'committing' ? await route(row) : undefined;
        if (routed && 'channel' in routed && !routed.channel.idempotent) {
          await deps.messages.markSent(
            row.id,
            routed.channel.kind === 'email' ? 'smtp' : routed.channel.kind,
            now,
            'unconfirmed',
            'interrupted after the end of data was sent',
          );
          report.unconfirmed++;
          deps.log.warn(
            { message: row.id },
            'an interrupted send may have been delivered: recorded as unconfirmed, not resent',
          );
          continue;
        }
        await attempt(row, now, report);
      }
      return report;
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
