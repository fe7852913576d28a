import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startFakeSmtp, type FakeSmtp, type SmtpBehaviour } from '../fakes/smtp.ts';
import { addPost, backdateRecipients, setup, type Setup } from './helpers.ts';
import { periodContaining } from '../../src/alerts/periods.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VIGIE = path.join(ROOT, 'bin/vigie.js');
const run = promisify(execFile);

let smtp: FakeSmtp | undefined;
let s: Setup | undefined;

afterEach(async () => {
  await smtp?.close();
  s?.close();
  smtp = undefined;
  s = undefined;
});

/** One daily period due now (for a recipient added just before it started), with something in it. */
async function oneDigestDue(st: Setup, recipients = 1): Promise<void> {
  const current = periodContaining(Date.now(), 'daily', 'Europe/Paris', { hour: 8, weekday: 1 });
  await backdateRecipients(st, current.start - 3_600_000);
  await addPost(st, { text: 'une idiote', terms: ['idiote'], seenAt: current.start - 1_800_000 });
  expect(await st.alerts.ctx.recipients.listActive()).toHaveLength(recipients);
}

function rows(st: Setup) {
  return st.db.$client
    .prepare(
      'select status, attempts, last_error as lastError, claimed_by as claimedBy from messages order by id',
    )
    .all() as {
    status: string;
    attempts: number;
    lastError: string | null;
    claimedBy: string | null;
  }[];
}

/** Runs `vigie digest --now` in a child process, kills it (SIGKILL) once the fake SMTP server stalls. */
async function digestKilledWhenStalled(st: Setup, server: FakeSmtp): Promise<void> {
  const child = spawn(process.execPath, [VIGIE, '--config', st.configFile, 'digest', '--now'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await server.waitFor('stalled', 25_000);
  child.kill('SIGKILL');
  await exited;
}

describe('delivery', { timeout: 90_000 }, () => {
  it('an SMTP outage (451) is retried on the next tick and the digest is sent once', async () => {
    smtp = await startFakeSmtp((n) => (n <= 2 ? 'refuse' : 'accept'));
    s = await setup({ smtpPort: smtp.port });
    await oneDigestDue(s, 2);
    const first = await s.alerts.runDigests({});
    expect(first).toMatchObject({ recorded: 2, sent: 0, retrying: 2 });
    expect(smtp.mails).toHaveLength(0);
    expect(rows(s).map((r) => r.status)).toEqual(['queued', 'queued']);
    expect(rows(s)[0]!.lastError).toMatch(/451|try again/i);
    const second = await s.alerts.runDigests({});
    expect(second).toMatchObject({ recorded: 0, sent: 2 });
    await s.alerts.runDigests({});
    expect(smtp.mails).toHaveLength(2);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(2);
  });

  it('a sender killed before the end of data is sent again on restart: exactly one delivery', async () => {
    let stalling = true;
    smtp = await startFakeSmtp((): SmtpBehaviour => (stalling ? 'stall-envelope' : 'accept'));
    s = await setup({
      smtpPort: smtp.port,
      recipients: [{ email: 'bob@example.org', role: 'proxy', language: 'en', digest: 'daily' }],
    });
    await oneDigestDue(s);
    await digestKilledWhenStalled(s, smtp);
    expect(smtp.mails).toHaveLength(0);
    expect(rows(s)[0]!.status).toBe('sending'); // provably not delivered: the marker was never sent
    stalling = false;
    const { stdout } = await run(process.execPath, [VIGIE, '--config', s.configFile, 'digest', '--now'], {
      cwd: ROOT,
    });
    expect(stdout).toContain('delivered: 1');
    expect(smtp.mails).toHaveLength(1);
    expect(rows(s)[0]).toMatchObject({ status: 'sent', attempts: 2 });
    await run(process.execPath, [VIGIE, '--config', s.configFile, 'digest', '--now'], { cwd: ROOT });
    expect(smtp.mails).toHaveLength(1);
  });

  it('a sender killed after the end of data (server had the message, no reply yet) never sends it twice', async () => {
    let stalling = true;
    smtp = await startFakeSmtp((): SmtpBehaviour => (stalling ? 'stall-after-data' : 'accept'));
    s = await setup({
      smtpPort: smtp.port,
      recipients: [{ email: 'bob@example.org', role: 'proxy', language: 'en', digest: 'daily' }],
    });
    await oneDigestDue(s);
    await digestKilledWhenStalled(s, smtp);
    expect(smtp.mails).toHaveLength(1);
    expect(rows(s)[0]!.status).toBe('committing');
    stalling = false;
    const { stdout } = await run(process.execPath, [VIGIE, '--config', s.configFile, 'digest', '--now'], {
      cwd: ROOT,
    });
    expect(stdout).toContain('unconfirmed: 1');
    expect(smtp.mails).toHaveLength(1);
    expect(rows(s)[0]!.status).toBe('unconfirmed');
    const listing = await run(process.execPath, [VIGIE, '--config', s.configFile, 'outbox'], { cwd: ROOT });
    expect(listing.stdout).toMatch(
      /mail not confirmed as delivered:[\s\S]*bob@example\.org\s+digest\s+unconfirmed/,
    );
  });

  it('without SMTP, messages go to the outbox as .eml files, listed by `vigie outbox`, never twice', async () => {
    s = await setup();
    await oneDigestDue(s, 2);
    const report = await s.alerts.runDigests({});
    expect(report).toMatchObject({ recorded: 2, sent: 2 });
    const outbox = path.join(s.dir, 'outbox');
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    // A crash after the file was renamed into place but before the row was marked: the retry
    // finds the file and records the delivery without writing a second message.
    s.db.$client
      .prepare(`update messages set status = 'sending', claimed_by = ? where id = 1`)
      .run(`${hostname()}:999999999:dead`);
    const again = await s.alerts.runDigests({});
    expect(again.sent).toBe(1);
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    const { stdout } = await run(
      process.execPath,
      [VIGIE, '--config', s.configFile, 'outbox', '--format', 'jsonl'],
      { cwd: ROOT },
    );
    const listed = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { to: string; subject: string });
    expect(listed.map((e) => e.to).sort()).toEqual(['alice@example.org', 'bob@example.org']);
    expect(listed.find((e) => e.to === 'alice@example.org')!.subject).toMatch(
      /^Alice Martin — résumé du .+ : 1 message\(s\) hostile\(s\)/,
    );
    const table = await run(process.execPath, [VIGIE, '--config', s.configFile, 'outbox'], { cwd: ROOT });
    expect(table.stdout).toContain('bob@example.org');
  });
});
