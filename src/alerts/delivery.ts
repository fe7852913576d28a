import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import type { Mailer } from './mailer.ts';
import { SendError } from './mailer.ts';
import type { MessageRow, MessagesRepo } from './messages-repo.ts';

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
 * So the mailer calls `beforeCommit` synchronously just before the marker is written, and the row
 * moves to `committing` (a synchronous SQLite write) first:
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
  mailer: Mailer;
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

  async function attempt(row: MessageRow, now: number, report: FlushReport): Promise<void> {
    const log = deps.log.child({ message: row.id, kind: row.kind, watch: row.watchId });
    if (!deps.messages.claim(row, CLAIMER, now)) return;
    inFlight.add(row.id);
    try {
      const result = await deps.mailer.send(
        {
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          messageId: row.messageId,
          unsubscribeUrl: row.unsubscribeUrl,
          date: new Date(now),
        },
        { beforeCommit: () => deps.messages.markCommitting(row.id) },
      );
      deps.messages.markSent(row.id, result.transport, Date.now());
      report.sent++;
      log.info({ transport: result.transport, again: result.alreadyDelivered ?? false }, 'message delivered');
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message, false, false, false);
      if (e.afterCommit && !e.refused) {
        deps.messages.markSent(row.id, deps.mailer.transport, Date.now(), 'unconfirmed', e.message);
        report.unconfirmed++;
        log.warn(
          { err: e.message },
          'connection lost after the whole message was sent: recorded as unconfirmed, not resent',
        );
        return;
      }
      const giveUp = e.permanent || row.attempts + 1 >= MAX_ATTEMPTS;
      deps.messages.markRetry(row.id, e.message, giveUp);
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
      for (const row of deps.messages.candidates(now)) {
        if (inFlight.has(row.id)) continue;
        if (row.status !== 'queued' && !claimIsDead(row.claimedBy, row.claimedAt, now)) continue;
        if (row.status === 'committing' && deps.mailer.transport === 'smtp') {
          deps.messages.markSent(
            row.id,
            'smtp',
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
