import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/logger.ts';
import { createMailer, SendError, type OutgoingMail } from '../../src/alerts/mailer.ts';
import { outboxFileName } from '../../src/alerts/outbox.ts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.ts';

// The point of no return (SMTP end of data, the outbox rename) waits for `beforeCommit`, which
// records the `committing` state in the database: the message never leaves before that record.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MAIL: OutgoingMail = {
  to: 'bob@example.org',
  subject: 'Vigie — test',
  text: 'hello',
  html: '<p>hello</p>',
  messageId: '<vigie.1.commit@example.org>',
};

function mailerFor(smtp?: FakeSmtp) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-mailer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = parseConfig({
    dataDir: dir,
    mail: {
      from: 'Vigie <vigie@example.org>',
      ...(smtp ? { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 10_000 } } : {}),
    },
  });
  return {
    mailer: createMailer(config.mail, dir, silentLogger()),
    outbox: path.join(dir, config.mail.outboxDir),
  };
}

/** Lets the event loop turn a few times, so a message sent too early would have reached the server. */
const turns = () => new Promise<void>((resolve) => setTimeout(resolve, 100));

describe('the commit point waits for beforeCommit', () => {
  it('SMTP: the end of data is written only once the hook has resolved', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { mailer } = mailerFor(smtp);
    let seenAtHookEnd = -1;
    await mailer.send(MAIL, {
      beforeCommit: async () => {
        await turns();
        seenAtHookEnd = smtp.mails.length;
      },
    });
    expect(seenAtHookEnd).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.messageId).toBe(MAIL.messageId);
  });

  it('SMTP: a hook that fails stops the message before the end of data (provably not delivered)', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { mailer } = mailerFor(smtp);
    const error = await mailer
      .send(MAIL, { beforeCommit: () => Promise.reject(new Error('database unavailable')) })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).afterCommit).toBe(false);
    await turns();
    expect(smtp.transactions).toBe(1);
    expect(smtp.mails).toHaveLength(0);
  });

  it('outbox: the file is renamed into place only once the hook has resolved, and not at all when it fails', async () => {
    const { mailer, outbox } = mailerFor();
    const file = path.join(outbox, outboxFileName(MAIL.messageId));
    await expect(
      mailer.send(MAIL, { beforeCommit: () => Promise.reject(new Error('database unavailable')) }),
    ).rejects.toThrow('database unavailable');
    expect(existsSync(file)).toBe(false);
    let existedAtHookEnd: boolean | undefined;
    await mailer.send(MAIL, {
      beforeCommit: async () => {
        await turns();
        existedAtHookEnd = existsSync(file);
      },
    });
    expect(existedAtHookEnd).toBe(false);
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toEqual([path.basename(file)]);
  });
});
