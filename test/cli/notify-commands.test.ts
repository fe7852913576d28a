import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/db/open-store.ts';
import { testDatabaseConfig } from '../helpers/test-store.ts';
import { createPersonChannelsRepo } from '../../src/alerts/person-channels-repo.ts';
import { encryptionKeyProvider } from '../../src/app/encryption-key.ts';
import type { Config } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.ts';

const VIGIE = path.resolve('bin/vigie.js');
const BOT = '77:cli-fake-bot-token';

// A real process (the fake answers from this one, so the child is run asynchronously).
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VIGIE, ...args],
      { env: { ...process.env, VIGIE_LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('vigie notify test', { timeout: 180_000 }, () => {
  let dir: string;
  let configPath: string;
  let telegram: FakeTelegram;
  let database: Awaited<ReturnType<typeof testDatabaseConfig>>;

  beforeEach(async () => {
    telegram = await startFakeTelegram(BOT, ['555']);
    database = await testDatabaseConfig();
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-cli-notify-'));
    configPath = path.join(dir, 'vigie.yaml');
    writeFileSync(
      configPath,
      [
        `dataDir: ${path.join(dir, 'data')}`,
        ...(database.config.database ? [`database: { url: "${database.config.database.url}" }`] : []),
        'network: { allowPrivateAddresses: true }',
        `notifications: { retryDelayMs: 5, telegram: { apiUrl: "${telegram.url}", botToken: "${BOT}" } }`,
        'watches:',
        '  - id: alice',
        '    names: [Alice Martin]',
        '    feeds: [https://example.org/feed.xml]',
        '    recipients:',
        '      - { email: bob@example.org, role: proxy, language: en }',
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    await telegram.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a recipient from the configuration is a person: a test reaches their e-mail and their Telegram chat', async () => {
    // The first run makes the configured recipient a person (no password), found by e-mail.
    const first = await run([
      '--config',
      configPath,
      'notify',
      'test',
      '--email',
      'bob@example.org',
      '--channel',
      'email',
    ]);
    expect(first.stderr).not.toMatch(/error|failed/i);
    expect(first.stdout).toBe('email\tbob@example.org\tsent\n');
    expect(first.code).toBe(0);
    expect(readdirSync(path.join(dir, 'data', 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    const store = await openStore({ dataDir: path.join(dir, 'data'), ...database.config });
    // Sealed with the key the command will find: the one kept in the data folder.
    const repo = createPersonChannelsRepo(
      store,
      encryptionKeyProvider({ dataDir: path.join(dir, 'data'), security: {} } as Config, silentLogger()),
    );
    await repo.add((await repo.personByEmail('bob@example.org'))!.id, 'telegram', { chatId: '555' });
    await store.close();

    const tg = await run([
      '--config',
      configPath,
      'notify',
      'test',
      '--email',
      'bob@example.org',
      '--channel',
      'telegram',
    ]);
    expect(tg.stdout).toBe('telegram\t555\tsent\n');
    expect(tg.code).toBe(0);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]).toMatchObject({ chatId: '555', bold: ['Vigie — test message'] });

    // The service refuses (rate limit longer than we wait): exit 1 and the reason, no token shown.
    telegram.rateLimitNext(3600);
    const limited = await run([
      '--config',
      configPath,
      'notify',
      'test',
      '--email',
      'bob@example.org',
      '--channel',
      'telegram',
    ]);
    expect(limited.code).toBe(1);
    expect(limited.stdout).toMatch(
      /^telegram\t555\tfailed: HTTP 429: Too Many Requests: retry after 3600\n$/,
    );
    expect(limited.stdout + limited.stderr).not.toContain(BOT);
  });

  it('an unknown address or channel kind is a usage error', async () => {
    const nobody = await run(['--config', configPath, 'notify', 'test', '--email', 'nobody@example.org']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('nobody with the address "nobody@example.org"');
    const kind = await run([
      '--config',
      configPath,
      'notify',
      'test',
      '--email',
      'bob@example.org',
      '--channel',
      'pigeon',
    ]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain(
      '--channel: expected one of email, webhook, ntfy, telegram, matrix, signal',
    );
  });
});
