import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openPgStore, pgMigrationCount } from '../../src/db/pg-store.ts';
import { freshPgDatabase, type FreshPgDatabase } from '../helpers/pg.ts';

const CHILD = fileURLToPath(new URL('./pg-migrate-child.ts', import.meta.url));

function migrateInChild(url: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const databases: FreshPgDatabase[] = [];
afterEach(async () => {
  for (const d of databases.splice(0)) await d.drop();
});

describe('PostgreSQL migrations', () => {
  it('are applied once when two processes start on an empty database together', async () => {
    const database = await freshPgDatabase();
    databases.push(database);
    const results = await Promise.all([migrateInChild(database.url), migrateInChild(database.url)]);
    for (const r of results) expect(r.code, r.err).toBe(0);
    const reports = results.map((r) => JSON.parse(r.out) as { applied: number; posts: number });
    // One process applied every migration; the other waited for the lock and found none left.
    expect(reports.map((r) => r.applied).sort()).toEqual([0, pgMigrationCount()]);
    expect(reports.map((r) => r.posts)).toEqual([0, 0]);

    const store = await openPgStore(database.url);
    try {
      const row = await store.get<{ n: number }>(sql`select count(*) as n from drizzle.__drizzle_migrations`);
      expect(row?.n).toBe(pgMigrationCount());
    } finally {
      await store.close();
    }
  });

  it('names the server without the password when it cannot be reached', async () => {
    // A closed port on this machine: the connection is refused at once.
    const url = 'postgres://vigie:s3cret-pass@127.0.0.1:1/vigie';
    const error = await openPgStore(url).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('127.0.0.1:1');
    expect(error?.message).not.toContain('s3cret-pass');
  });
});
