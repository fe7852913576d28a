import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Store } from '../../src/db/store.ts';
import { databaseYaml, testDatabaseConfig } from '../helpers/test-store.ts';
import { createUsersRepo } from '../../src/web/auth/users-repo.ts';
import { verifyPassword } from '../../src/web/auth/passwords.ts';
import { tokenHash } from '../../src/web/auth/tokens.ts';

const VIGIE = path.resolve('bin/vigie.js');

// Each command is a real process (tsx loader, the whole app): slow on a busy machine.
describe('vigie user / token commands', { timeout: 180_000 }, () => {
  let dir: string;
  let configPath: string;
  let database: Awaited<ReturnType<typeof testDatabaseConfig>>;
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [VIGIE, '--config', configPath, ...args], {
      input: input ?? '',
      encoding: 'utf8',
      env: { ...process.env, VIGIE_LOG_LEVEL: 'silent' },
    });
  // The store the commands wrote to (SQLite in the data folder, or PostgreSQL under
  // VIGIE_TEST_STORE=postgres).
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await database.open(path.join(dir, 'data'));
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    database = await testDatabaseConfig();
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-cli-users-'));
    configPath = path.join(dir, 'vigie.yaml');
    writeFileSync(
      configPath,
      [
        `dataDir: ${path.join(dir, 'data')}`,
        ...databaseYaml(database.config),
        'server:',
        '  publicUrl: https://vigie.example.org',
        'watches:',
        '  - id: alice',
        '    names: [Alice Martin]',
        '    feeds: [https://example.org/feed.xml]',
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('user add reads the password from stdin (not a terminal) and stores an argon2 hash', async () => {
    const r = run(
      ['user', 'add', '--email', 'Owner@Example.org', '--role', 'owner', '--watch', 'alice'],
      'a very good password\n',
    );
    // The first command creates the data folder (its parent exists) and says so; nothing else.
    expect(r.stderr).toBe(`vigie: created the data folder ${path.join(dir, 'data')}\n`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('account owner@example.org (owner) — watches: alice');
    expect(r.stdout).not.toContain('set-password');
    const user = await withStore((store) => createUsersRepo(store).byEmail('owner@example.org'));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash, 'a very good password')).toBe(true);
    expect(user?.watchIds).toEqual(['alice']);
  });

  it('user add refuses a bad role, an unknown watch and a short password', () => {
    expect(run(['user', 'add', '--email', 'a@b.c', '--role', 'admin'], 'a very good password\n').status).toBe(
      2,
    );
    const unknown = run(
      ['user', 'add', '--email', 'a@b.c', '--role', 'proxy', '--watch', 'nobody'],
      'a very good password\n',
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no watch with id "nobody"');
    const short = run(['user', 'add', '--email', 'a@b.c', '--role', 'proxy', '--watch', 'alice'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('password too short');
  });

  it('user add --link prints a one-time set-password link on the public address', async () => {
    const r = run([
      'user',
      'add',
      '--email',
      'proxy@example.org',
      '--role',
      'proxy',
      '--watch',
      'alice',
      '--link',
    ]);
    expect(r.status).toBe(0);
    const m = /https:\/\/vigie\.example\.org\/set-password\/([A-Za-z0-9_-]{40,})/.exec(r.stdout);
    expect(m).not.toBeNull();
    const user = await withStore((store) => createUsersRepo(store).passwordLinkUser(m![1]!));
    expect(user?.email).toBe('proxy@example.org');
  });

  it('token create prints a token once; only its hash is stored', async () => {
    run(
      ['user', 'add', '--email', 'owner@example.org', '--role', 'owner', '--watch', 'alice'],
      'a very good password\n',
    );
    const r = run(['token', 'create', '--email', 'owner@example.org', '--name', 'scripts']);
    expect(r.status).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^vigie_[A-Za-z0-9_-]{40,}$/);
    const rows = await withStore((store) => store.all(sql`select token_hash, name from api_tokens`));
    expect(rows).toEqual([{ token_hash: tokenHash(token), name: 'scripts' }]);
    expect((await withStore((store) => createUsersRepo(store).apiTokenUser(token)))?.email).toBe(
      'owner@example.org',
    );
    expect(run(['token', 'create', '--email', 'nobody@example.org']).status).toBe(2);
  });
});
