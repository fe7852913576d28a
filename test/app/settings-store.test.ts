import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { lockedPaths } from '../../src/config/editable-settings.ts';
import { createSettingsRepo } from '../../src/db/repositories/settings-repo.ts';
import { createSettingsStore } from '../../src/app/settings-store.ts';
import { encryptionKeyProvider, KEY_FILE } from '../../src/app/encryption-key.ts';
import { createMailer } from '../../src/alerts/mailer.ts';
import { silentLogger } from '../../src/logger.ts';
import { tempDir } from '../helpers/temp.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

describe('settings store', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function store(raw: Record<string, unknown>) {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const config = parseConfig({ dataDir: t.dir, ...raw });
    const test = await openTestStore(path.join(t.dir, 'vigie.db'));
    cleanups.unshift(() => test.close());
    const database = test.store;
    const log = silentLogger();
    const s = createSettingsStore({
      base: config,
      locked: lockedPaths(raw),
      repo: createSettingsRepo(database),
      key: encryptionKeyProvider(config, log),
      log,
      mailer: () => createMailer(config.mail, t.dir, log),
    });
    await s.load();
    return { s, dir: t.dir, store: database, config };
  }

  it('a value set in the file wins and locks the field; unset ones take the dashboard value', async () => {
    const { s } = await store({ sources: { x: { bearerToken: 'from-the-file-0000' } } });
    expect(
      await s.save([{ path: 'sources.x.bearerToken', value: 'from-the-dashboard' }], 'a@example.org'),
    ).toEqual([{ path: 'sources.x.bearerToken', code: 'locked' }]);
    expect(s.effective().sources.x.bearerToken).toBe('from-the-file-0000');
    expect(s.view().find((v) => v.path === 'sources.x.bearerToken')).toMatchObject({
      locked: true,
      set: true,
    });
    expect(await s.save([{ path: 'mail.smtp.host', value: 'smtp.example.org' }], 'a@example.org')).toEqual(
      [],
    );
    // The mail server block gets its defaults (port 587, not secure).
    expect(s.effective().mail.smtp).toMatchObject({ host: 'smtp.example.org', port: 587, secure: false });
    expect(await s.save([{ path: 'sources.x.unknownThing', value: 'x' }], 'a')).toEqual([
      { path: 'sources.x.unknownThing', code: 'unknown' },
    ]);
  });

  it('generates the key in dataDir (0600) on first need, and the next start reads the stored secrets with it', async () => {
    const first = await store({});
    expect(existsSync(path.join(first.dir, KEY_FILE))).toBe(false);
    await first.s.save([{ path: 'sources.mastodon.accessToken', value: 'token-abcdefghijklmnop' }], 'a');
    const keyFile = path.join(first.dir, KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    // A second store on the same data folder and database: same key, same value.
    const log = silentLogger();
    const again = createSettingsStore({
      base: first.config,
      locked: new Set(),
      repo: createSettingsRepo(first.store),
      key: encryptionKeyProvider(first.config, log),
      log,
      mailer: () => createMailer(first.config.mail, first.dir, log),
    });
    await again.load();
    expect(again.effective().sources.mastodon.accessToken).toBe('token-abcdefghijklmnop');
    expect(again.view().find((v) => v.path === 'sources.mastodon.accessToken')).toEqual(
      expect.objectContaining({ set: true, tail: 'mnop' }),
    );
    expect(JSON.stringify(again.view())).not.toContain('token-abcdefghijklmnop');
  });

  it('notifies listeners with the new effective configuration, and nothing on a refused change', async () => {
    const { s } = await store({});
    const seen: (string | undefined)[] = [];
    s.onChange((c) => seen.push(c.mail.smtp?.host));
    expect(await s.save([{ path: 'mail.smtp.port', value: 'not a port' }], 'a')).toEqual([
      { path: 'mail.smtp.port', code: 'number' },
    ]);
    expect(await s.save([{ path: 'sources.mastodon.instance', value: 'ftp://example.org' }], 'a')).toEqual([
      { path: 'sources.mastodon.instance', code: 'url' },
    ]);
    expect(seen).toEqual([]);
    await s.save([{ path: 'mail.smtp.host', value: 'mail.example.org' }], 'a');
    await s.save([{ path: 'mail.smtp.host', value: null }], 'a');
    expect(seen).toEqual(['mail.example.org', undefined]);
  });

  it('refuses server addresses on this machine or the local network unless the network settings allow them', async () => {
    const strict = (await store({})).s;
    for (const [path, value] of [
      ['notifications.ntfy.serverUrl', 'http://127.0.0.1:8080'],
      ['notifications.matrix.homeserverUrl', 'http://[::1]/'],
      ['notifications.signal.apiUrl', 'http://169.254.169.254/latest/meta-data'],
      ['notifications.telegram.apiUrl', 'http://localhost:8081'],
      ['sources.mastodon.instance', 'http://0x7f000001/'],
    ] as const)
      expect(await strict.save([{ path, value }], 'a'), path).toEqual([{ path, code: 'blocked' }]);
    expect(
      await strict.save(
        [{ path: 'notifications.ntfy.serverUrl', value: 'https://u:p@ntfy.example.org' }],
        'a',
      ),
    ).toEqual([{ path: 'notifications.ntfy.serverUrl', code: 'url' }]);
    expect(
      await strict.save([{ path: 'notifications.ntfy.serverUrl', value: 'https://ntfy.example.org' }], 'a'),
    ).toEqual([]);
    expect(strict.effective().notifications.ntfy.serverUrl).toBe('https://ntfy.example.org');

    // A self-hosted relay on the local network, allowed for the chat servers only.
    const relay = (await store({ notifications: { allowPrivateServers: true } })).s;
    expect(
      await relay.save([{ path: 'notifications.ntfy.serverUrl', value: 'http://192.168.1.20:8080' }], 'a'),
    ).toEqual([]);
    expect(
      await relay.save([{ path: 'sources.mastodon.instance', value: 'http://192.168.1.20' }], 'a'),
    ).toEqual([{ path: 'sources.mastodon.instance', code: 'blocked' }]);
  });

  it("seals the chat services' tokens and shows only their end", async () => {
    const { s, store: st } = await store({});
    const token = 'tk_ntfy-access-token-9f8e';
    expect(await s.save([{ path: 'notifications.ntfy.token', value: token }], 'a')).toEqual([]);
    expect(s.effective().notifications.ntfy.token).toBe(token);
    const row = (await st.get<{ value: string; secret: number | boolean }>(
      sql`select value, secret from settings where path = ${'notifications.ntfy.token'}`,
    ))!;
    expect(Boolean(row.secret)).toBe(true);
    expect(row.value).not.toContain(token);
    expect(s.view().find((v) => v.path === 'notifications.ntfy.token')).toMatchObject({
      set: true,
      tail: '9f8e',
    });
    expect(JSON.stringify(s.view())).not.toContain(token);
  });
});
