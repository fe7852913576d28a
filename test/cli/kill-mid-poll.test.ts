import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFakeXApi } from '../fakes/x-api.ts';
import { VIGIE_BIN, runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';

const TOKEN = 'kill-test-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/**
 * Starts `vigie poll --once` and SIGKILLs it `extraMs` after the first posts reached the database
 * (start-up time varies a lot on a loaded machine, so the kill is tied to the poll's progress).
 */
function pollAndKill(
  config: string,
  cwd: string,
  storedCount: () => number,
  extraMs: number,
): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE_BIN, '--config', config, 'poll', '--once'], {
      cwd,
      env: { ...process.env, VIGIE_X_BEARER_TOKEN: TOKEN, VIGIE_CONFIG: '' },
      stdio: 'ignore',
    });
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const baseline = storedCount();
    const watch = setInterval(() => {
      if (timer || storedCount() <= baseline) return;
      timer = setTimeout(() => {
        killed = child.kill('SIGKILL');
      }, extraMs);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(watch);
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
    const config = writeFile(
      t.dir,
      'vigie.yaml',
      `dataDir: ./data
log: { level: silent }
sources: { x: { baseUrl: "${fake.url}" } }
watches:
  - { id: alice, names: ["Alice Martin"], x: { handle: alice_m, search: '"Alice Martin"' } }
`,
    );

    const dbFile = path.join(t.dir, 'data', 'vigie.db');
    const countStored = () => {
      // The child may not have created the database yet, or only part of its schema.
      let db: Database.Database | undefined;
      try {
        db = new Database(dbFile, { readonly: true, fileMustExist: true });
        return db.prepare('select count(*) from posts').pluck().get() as number;
      } catch {
        return 0;
      } finally {
        db?.close();
      }
    };
    const total = ids.length + searchIds.length;
    const partial: number[] = [];
    for (let i = 0; i < 4; i++) {
      // At a random point of the poll, from its first stored page to a few seconds in.
      const r = await pollAndKill(config, t.dir, countStored, Math.floor(Math.random() * 2000));
      const n = countStored();
      if (r.killed && n > 0 && n < total) partial.push(n);
    }
    expect(partial.length, 'some runs must have been killed in the middle of the poll').toBeGreaterThan(0);

    const final = await runVigie(['--config', config, 'poll', '--once'], {
      cwd: t.dir,
      env: { VIGIE_X_BEARER_TOKEN: TOKEN },
    });
    expect(final.code, final.stderr).toBe(0);

    const db = new Database(dbFile, { readonly: true });
    closers.push(() => {
      db.close();
    });
    const stored = db
      .prepare("select external_id from posts where watch_id = 'alice'")
      .pluck()
      .all() as string[];
    const expected = new Set([...ids, ...searchIds]);
    expect(stored.length).toBe(expected.size);
    expect(new Set(stored).size).toBe(stored.length);
    for (const id of stored) expect(expected.has(id)).toBe(true);
    const integrity = db.prepare('pragma integrity_check').pluck().get();
    expect(integrity).toBe('ok');
    const cursors = db.prepare('select kind, cursor from sources').all() as {
      kind: string;
      cursor: string;
    }[];
    const newest = (list: string[]) => list.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
    expect(Object.fromEntries(cursors.map((c) => [c.kind, c.cursor]))).toEqual({
      x_mentions: newest(ids),
      x_search: newest(searchIds),
    });
  }, 120_000);
});
