import { Readable } from 'node:stream';
import path from 'node:path';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { writeOutboxFile, outboxFileExists } from './outbox.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<…@…>`: fixed when the intent is recorded, the same on every attempt. */
  messageId: string;
  /** Digests: the one-click unsubscribe URL (RFC 8058). */
  unsubscribeUrl?: string | null;
  date?: Date;
}

export interface SendHooks {
  /**
   * Called just before the point of no return: before the SMTP end-of-data marker is written,
   * before the outbox file is renamed into place; that point waits for it to resolve (and is not
   * reached when it rejects). Until then the message provably cannot have been delivered.
   */
  beforeCommit?: () => void | Promise<void>;
}

export interface SendResult {
  messageId: string;
  transport: 'smtp' | 'outbox';
  /** Outbox only: the file was already there (a previous attempt got through). */
  alreadyDelivered?: boolean;
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  readonly from: string;
  send(message: OutgoingMail, hooks?: SendHooks): Promise<SendResult>;
}

/** An SMTP failure; `afterCommit` says whether the end-of-data marker had already been sent. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly afterCommit: boolean,
    /** The server answered with a refusal (4xx/5xx): nothing was delivered, whatever the stage. */
    readonly refused: boolean,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** Renders the complete RFC 5322 message (text + HTML alternatives, List-Unsubscribe for digests). */
export async function buildMessage(from: string, mail: OutgoingMail): Promise<Buffer> {
  const headers: Record<string, string | { prepared: boolean; value: string }> = {
    'Auto-Submitted': 'auto-generated',
  };
  if (mail.unsubscribeUrl) {
    // What nodemailer's `list: {unsubscribe}` option writes (that option lives in the Mailer
    // front-end, not in the MailComposer used here), plus the RFC 8058 one-click header.
    headers['List-Unsubscribe'] = { prepared: true, value: `<${mail.unsubscribeUrl}>` };
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date ?? new Date(),
    headers,
  });
  return composer.compile().build();
}

/**
 * A stream of the message that runs `beforeCommit` after its last byte and ends only once it has
 * resolved: the end-of-data marker is written when the stream ends. A rejection fails the stream,
 * so the marker is never written.
 */
function guardedStream(bytes: Buffer, beforeCommit: (() => void | Promise<void>) | undefined): Readable {
  let stage: 'body' | 'committing' | 'done' = 'body';
  return new Readable({
    read() {
      if (stage === 'body') {
        stage = 'committing';
        this.push(bytes);
        return;
      }
      if (stage !== 'committing') return;
      stage = 'done';
      Promise.resolve()
        .then(() => beforeCommit?.())
        .then(
          () => this.push(null),
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
    },
  });
}

function envelopeAddress(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

type SmtpConfig = NonNullable<Config['mail']['smtp']>;

// nodemailer (~14 MB) is loaded at the first message or connection test, not at start-up.
async function smtpConnection(smtp: SmtpConfig, timeoutMs: number): Promise<SMTPConnection> {
  const { default: SMTPConnection } = await import('nodemailer/lib/smtp-connection');
  return new SMTPConnection({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** Connects and says hello, then signs in when a user is set; rejects with the server's or the network's error. */
async function connectAndSignIn(conn: SMTPConnection, smtp: SmtpConfig): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    conn.once('error', reject);
    conn.connect((err) => (err ? reject(err) : resolve()));
  });
  if (smtp.user) {
    await new Promise<void>((resolve, reject) =>
      conn.login({ user: smtp.user!, pass: smtp.pass ?? '' }, (err) => (err ? reject(err) : resolve())),
    );
  }
}

async function sendSmtp(
  smtp: SmtpConfig,
  from: string,
  mail: OutgoingMail,
  bytes: Buffer,
  hooks: SendHooks,
): Promise<void> {
  const conn = await smtpConnection(smtp, smtp.timeoutMs);
  let committed = false;
  const fail = (err: unknown): SendError => {
    const e = err as { message?: string; responseCode?: number; code?: string };
    const refused = typeof e.responseCode === 'number' && e.responseCode >= 400;
    const permanent = refused && e.responseCode! >= 500;
    return new SendError(e.message ?? String(err), committed, refused, permanent);
  };
  try {
    await connectAndSignIn(conn, smtp);
    await new Promise<void>((resolve, reject) => {
      conn.once('error', reject);
      const stream = guardedStream(bytes, async () => {
        await hooks.beforeCommit?.();
        committed = true;
      });
      conn.send({ from: envelopeAddress(from), to: [mail.to] }, stream, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  } catch (err) {
    throw fail(err);
  } finally {
    try {
      conn.quit();
    } catch {
      conn.close();
    }
  }
}

/**
 * The mail transport: SMTP when configured, otherwise `.eml` files in the outbox folder under
 * the data directory (so the embedded default works with no mail server at all).
 */
export function createMailer(mail: Config['mail'], dataDir: string, log: Logger): Mailer {
  const outboxDir = path.resolve(dataDir, mail.outboxDir);
  const transport = mail.smtp ? 'smtp' : 'outbox';
  const mlog = log.child({ part: 'mailer', transport });
  return {
    transport,
    from: mail.from,
    async send(message, hooks = {}) {
      if (!mail.smtp) {
        // The outbox is idempotent by construction: the file is named after the Message-ID.
        if (outboxFileExists(outboxDir, message.messageId))
          return { messageId: message.messageId, transport, alreadyDelivered: true };
        const bytes = await buildMessage(mail.from, message);
        await writeOutboxFile(outboxDir, message.messageId, bytes, hooks.beforeCommit);
        mlog.debug({ messageId: message.messageId }, 'message written to the outbox');
        return { messageId: message.messageId, transport };
      }
      const bytes = await buildMessage(mail.from, message);
      await sendSmtp(mail.smtp, mail.from, message, bytes, hooks);
      mlog.debug({ messageId: message.messageId }, 'message accepted by the SMTP server');
      return { messageId: message.messageId, transport };
    },
  };
}

export function outboxDirOf(mail: Config['mail'], dataDir: string): string {
  return path.resolve(dataDir, mail.outboxDir);
}

/**
 * "Test connection" for the mail server: connect, say hello, sign in when a user is set, quit.
 * Resolves with nothing; rejects with the server's or the network's error.
 */
export async function verifySmtp(smtp: NonNullable<Config['mail']['smtp']>): Promise<void> {
  const conn = await smtpConnection(smtp, Math.min(smtp.timeoutMs, 15_000));
  try {
    await connectAndSignIn(conn, smtp);
  } finally {
    try {
      conn.quit();
    } catch {
      conn.close();
    }
  }
}
