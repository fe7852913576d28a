import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startFakeHackernews, type FakeHn } from '../fakes/hackernews.ts';
import { runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { testDatabaseConfig } from '../helpers/test-store.ts';

let hn: FakeHn | undefined;
let dir: { dir: string; cleanup: () => void } | undefined;
let database: Awaited<ReturnType<typeof testDatabaseConfig>> | undefined;
afterEach(async () => {
  await hn?.close();
  await database?.drop();
  dir?.cleanup();
});

describe('vigie lookalikes', () => {
  it('lists candidates as jsonl and table, and dismisses one for good', async () => {
    hn = await startFakeHackernews();
    hn.add({ created_at_i: 1_790_000_000, comment_text: 'alice', author: 'alicem_officiel' });
    hn.add({ created_at_i: 1_790_000_001, comment_text: 'alice', author: 'alice_m' });
    dir = tempDir();
    database = await testDatabaseConfig();
    const config = writeFile(
      dir.dir,
      'vigie.yaml',
      stringify({
        dataDir: dir.dir,
        ...database.config,
        log: { level: 'silent' },
        sources: { hackernews: { baseUrl: hn.url } },
        watches: [
          {
            id: 'alice',
            names: ['Alice Martin'],
            ownAccounts: ['alice_m'],
            hackernews: { queries: ['alice'] },
          },
        ],
      }),
    );
    const poll = await runVigie(['--config', config, 'poll', '--once']);
    expect(poll.code).toBe(0);
    const jsonl = await runVigie(['--config', config, 'lookalikes', '--watch', 'alice', '--format', 'jsonl']);
    expect(jsonl.code).toBe(0);
    const items = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; handle: string; status: string; reason: string });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ handle: 'alicem_officiel', status: 'new' });
    const table = await runVigie(['--config', config, 'lookalikes', '--watch', 'alice']);
    expect(table.stdout).toMatch(/alicem_officiel\s+.*0\.90\s+new/);
    const dismiss = await runVigie(['--config', config, 'lookalikes', 'dismiss', String(items[0]!.id)]);
    expect(dismiss.stdout).toContain('dismissed');
    const after = await runVigie(['--config', config, 'lookalikes', '--watch', 'alice', '--format', 'jsonl']);
    expect(after.stdout).toBe('');
  }, 180_000);
});
