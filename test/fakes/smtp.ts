import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * What the fake server does with one SMTP transaction (numbered from 1):
 * - `accept`: a normal 250;
 * - `refuse`: 451 to RCPT TO (a temporary outage);
 * - `stall-envelope`: never answers RCPT TO (the client hangs before sending any data);
 * - `stall-after-data`: reads the whole message including the end-of-data marker, keeps it (as a
 *   real MTA would have queued it), and never answers — the worst case for duplicates.
 */
export type SmtpBehaviour = 'accept' | 'refuse' | 'stall-envelope' | 'stall-after-data';

export interface FakeSmtp {
  port: number;
  /** Messages the server took, parsed, in order. */
  mails: ParsedMail[];
  /** Raw bytes of the same messages. */
  raw: Buffer[];
  /** Transactions started (MAIL FROM seen). */
  transactions: number;
  /** Emits 'stalled' when a stall behaviour kicks in, 'mail' for every message taken. */
  events: EventEmitter;
  waitFor(event: 'stalled' | 'mail', timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (random port) that collects messages parsed with mailparser. */
export async function startFakeSmtp(
  behaviour: (transaction: number) => SmtpBehaviour = () => 'accept',
): Promise<FakeSmtp> {
  const events = new EventEmitter();
  const state = { transactions: 0 };
  const mails: ParsedMail[] = [];
  const raw: Buffer[] = [];
  const current = new WeakMap<object, SmtpBehaviour>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    logger: false,
    onMailFrom(_address, session, cb) {
      state.transactions++;
      current.set(session, behaviour(state.transactions));
      cb();
    },
    onRcptTo(_address, session, cb) {
      const b = current.get(session);
      if (b === 'refuse')
        return cb(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
      if (b === 'stall-envelope') {
        events.emit('stalled');
        return; // never answered
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        void simpleParser(bytes).then((parsed) => {
          raw.push(bytes);
          mails.push(parsed);
          events.emit('mail');
          if (current.get(session) === 'stall-after-data') events.emit('stalled');
          else cb();
        });
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    mails,
    raw,
    get transactions() {
      return state.transactions;
    },
    events,
    waitFor(event, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake SMTP: no "${event}" within ${timeoutMs} ms`)),
          timeoutMs,
        );
        events.once(event, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
