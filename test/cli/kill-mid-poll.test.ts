import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { dbFile } from '../../src/db/client.ts';
import { openStore } from '../../src/db/open-store.ts';
import type { Store } from '../../src/db/store.ts';
import { startFakeXApi } from '../fakes/x-api.ts';
import { VIGIE_BIN, runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { databaseYaml, testDatabaseConfig } from '../helpers/test-store.ts';

const TOKEN = 'kill-test-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/**
 * Starts `vigie poll --once` and SIGKILLs it `extraMs` after the first posts reached the database
 * (start-up time varies a lot on a loaded machine, so the kill is tied to the poll's progress).
 */
async function pollAndKill(
  config: string,
  cwd: string,
  storedCount: () => Promise<number>,
  extraMs: number,
): Promise<{ killed: boolean; code: number | null }> {
  const baseline = await storedCount();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE_BIN, '--config', config, 'poll', '--once'], {
      cwd,
      env: { ...process.env, VIGIE_X_BEARER_TOKEN: TOKEN, VIGIE_CONFIG: '' },
      stdio: 'ignore',
    });
    let killed = false;
    let exited = false;
    let timer: NodeJS.Timeout | undefined;
    void (async () => {
      while (!exited && !timer) {
        if ((await storedCount()) > baseline && !exited) {
          timer = setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, extraMs);
          return;
        }
        await delay(20);
      }
    })();
    child.on('error', reject);
    child.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      resolve({ killed, code });
    });
  });
}

describe('a poll killed with SIGKILL at random points', () => {
  it('leaves every post stored exactly once after polling again', async () => {
    const fake = await startFakeXApi({ token: TOKEN });
    closers.push(() => fake.close());
    fake.addUser('alice_m', { name: 'Alice Martin' });
    const ids = fake.generateMentions('alice_m', 30_000);
    const searchIds = fake.generateSearchResults('"Alice Martin"', 3_000);
    const t = tempDir();
    closers.push(t.cleanup);
    const database = await testDatabaseConfig();
    closers.push(() => database.drop());
    const config = writeFile(
      t.dir,
      'vigie.yaml',
      `dataDir: ./data
${databaseYaml(database.config).join('\n')}
log: { level: silent }
sources: { x: { baseUrl: "${fake.url}" } }
watches:
  - { id: alice, names: ["Alice Martin"], x: { handle: alice_m, search: '"Alice Martin"' } }
`,
    );

    const dataDir = path.join(t.dir, 'data');
    const countStored = async () => {
      // The child may not have created the SQLite file yet, or only part of its schema.
      if (!database.config.database && !existsSync(dbFile(dataDir))) return 0;
      let store: Store | undefined;
      try {
        store = await openStore({ dataDir, ...database.config }, { readonly: true });
        return Number((await store.get<{ n: number }>(sql`select count(*) as n from posts`))?.n ?? 0);
      } catch {
        return 0;
      } finally {
        await store?.close();
      }
    };
    const total = ids.length + searchIds.length;
    const partial: number[] = [];
    for (let i = 0; i < 4; i++) {
      // At a random point of the poll, from its first stored page to a few seconds in.
      const r = await pollAndKill(config, t.dir, countStored, Math.floor(Math.random() * 2000));
      const n = await countStored();
      if (r.killed && n > 0 && n < total) partial.push(n);
    }
    expect(partial.length, 'some runs must have been killed in the middle of the poll').toBeGreaterThan(0);

    const final = await runVigie(['--config', config, 'poll', '--once'], {
      cwd: t.dir,
      env: { VIGIE_X_BEARER_TOKEN: TOKEN },
    });
    expect(final.code, final.stderr).toBe(0);

    const store = await openStore({ dataDir, ...database.config }, { readonly: true });
    closers.push(() => store.close());
    const stored = (
      await store.all<{ external_id: string }>(sql`select external_id from posts where watch_id = 'alice'`)
    ).map((r) => r.external_id);
    const expected = new Set([...ids, ...searchIds]);
    expect(stored.length).toBe(expected.size);
    expect(new Set(stored).size).toBe(stored.length);
    for (const id of stored) expect(expected.has(id)).toBe(true);
    if (store.dialect === 'sqlite') {
      // The file itself survived the kills (PostgreSQL's own files are the server's business).
      expect(await store.get(sql`pragma integrity_check`)).toEqual({ integrity_check: 'ok' });
    }
    const cursors = await store.all<{ kind: string; cursor: string }>(sql`select kind, cursor from sources`);
    const newest = (list: string[]) => list.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
    expect(Object.fromEntries(cursors.map((c) => [c.kind, c.cursor]))).toEqual({
      x_mentions: newest(ids),
      x_search: newest(searchIds),
    });
  }, 120_000);
});
