import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { lockedPaths } from '../../src/config/editable-settings.ts';
import { openDb, closeDb, type Db } from '../../src/db/client.ts';
import { createSqliteStore } from '../../src/db/sqlite-store.ts';
import { createSettingsRepo } from '../../src/db/repositories/settings-repo.ts';
import { createSettingsStore } from '../../src/app/settings-store.ts';
import { encryptionKeyProvider, KEY_FILE } from '../../src/app/encryption-key.ts';
import { createMailer } from '../../src/alerts/mailer.ts';
import { silentLogger } from '../../src/logger.ts';
import { tempDir } from '../helpers/temp.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

describe('settings store', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  async function store(raw: Record<string, unknown>, db?: Db) {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const config = parseConfig({ dataDir: t.dir, ...raw });
    const database = db ?? openDb(path.join(t.dir, 'vigie.db'));
    if (!db) cleanups.unshift(() => closeDb(database));
    const log = silentLogger();
    const s = createSettingsStore({
      base: config,
      locked: lockedPaths(raw),
      repo: createSettingsRepo(createSqliteStore(database)),
      key: encryptionKeyProvider(config, log),
      log,
      mailer: () => createMailer(config.mail, t.dir, log),
    });
    await s.load();
    return { s, dir: t.dir, db: database, config };
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
      repo: createSettingsRepo(createSqliteStore(first.db)),
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
});
