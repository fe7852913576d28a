import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPersonChannelsRepo } from '../../src/alerts/person-channels-repo.ts';
import { createChannels } from '../../src/alerts/channels/channels.ts';
import { createMailer } from '../../src/alerts/mailer.ts';
import { sendTestMessages } from '../../src/alerts/test-message.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/logger.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const KEY = 'c4'.repeat(32);
const OTHER_KEY = '5d'.repeat(32);

describe('person channels: targets sealed at rest', () => {
  let dir: string;
  let opened: TestStore;
  let userId: number;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigie-person-channels-'));
    opened = await openTestStore(path.join(dir, 'vigie.db'));
    const [row] = await opened.store.all<{ id: number }>(
      sql`insert into users (email, role, created_at) values ('bob@example.org', 'proxy', 1) returning id`,
    );
    userId = Number(row!.id);
  });
  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rawTargets = async () =>
    JSON.stringify(await opened.store.all(sql`select target from person_channels order by id`));

  it('reads back what was added, while the database holds none of it in clear', async () => {
    const repo = createPersonChannelsRepo(opened.store, () => KEY);
    const target = { url: 'https://hooks.example.org/t/receiver-token', secret: 'a-long-signing-secret' };
    const added = await repo.add(userId, 'webhook', target);
    expect(added.target).toEqual(target);
    expect((await repo.get(added.id))?.target).toEqual(target);
    expect((await repo.listFor(userId)).map((c) => c.target)).toEqual([target]);
    const raw = await rawTargets();
    expect(raw).not.toContain('receiver-token');
    expect(raw).not.toContain('a-long-signing-secret');
    expect(raw).not.toContain('hooks.example.org');
  });

  it('a sealed field moved onto another person does not open', async () => {
    const repo = createPersonChannelsRepo(opened.store, () => KEY);
    const added = await repo.add(userId, 'signal', { number: '+33600000000' });
    const [other] = await opened.store.all<{ id: number }>(
      sql`insert into users (email, role, created_at) values ('eve@example.org', 'proxy', 1) returning id`,
    );
    await opened.store.run(
      sql`update person_channels set user_id = ${Number(other!.id)} where id = ${added.id}`,
    );
    const moved = await repo.get(added.id);
    expect(moved?.target.number).toBe('');
    expect(moved?.unreadable).toMatch(/cannot be decrypted/);
  });

  it('under another key a channel is listed but marked unreadable, never sent with a wrong target', async () => {
    const added = await createPersonChannelsRepo(opened.store, () => KEY).add(userId, 'ntfy', {
      topic: 'alerts-7f3a',
    });
    const other = createPersonChannelsRepo(opened.store, () => OTHER_KEY);
    const read = await other.get(added.id);
    expect(read?.target).toEqual({ topic: '' });
    expect(read?.unreadable).toBe(
      "the channel's topic cannot be decrypted with this installation's key: add the channel again",
    );
    expect(await other.listFor(userId)).toHaveLength(1);
    const config = parseConfig({ dataDir: dir });
    // A test message says why, instead of posting to the ntfy server with an empty topic.
    const results = await sendTestMessages(
      createChannels(config, createMailer(config.mail, dir, silentLogger())),
      { email: 'bob@example.org', lang: 'en', channels: await other.listFor(userId) },
      'ntfy',
    );
    expect(results).toEqual([{ kind: 'ntfy', label: '', ok: false, error: read?.unreadable }]);
  });

  it('a target stored before targets were sealed is read as it is', async () => {
    await opened.store.run(
      sql`insert into person_channels (user_id, kind, target, enabled, created_at, updated_at)
          values (${userId}, 'telegram', ${JSON.stringify({ chatId: '555' })}, ${opened.dialect === 'postgres' ? sql`true` : sql`1`}, 1, 1)`,
    );
    const [channel] = await createPersonChannelsRepo(opened.store, () => KEY).listFor(userId);
    expect(channel?.target).toEqual({ chatId: '555' });
    expect(channel?.unreadable).toBeUndefined();
  });
});
