import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { checkLedger } from '../../src/db/copy/ledger-check.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { copyDatabase, verifyCopy } from '../../src/db/copy/copy-database.ts';
import { openPgStore } from '../../src/db/pg-store.ts';
import { postSearchCondition } from '../../src/db/repositories/fts-query.ts';
import { openSqliteStore } from '../../src/db/sqlite-store.ts';
import { startFakeXApi } from '../fakes/x-api.ts';
import { startFakeWayback } from '../fakes/wayback.ts';
import { runVigie } from '../helpers/cli.ts';
import { freshPgDatabase } from '../helpers/pg.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';

// Moving a real installation (made by `vigie poll --once` against the fakes) to PostgreSQL.

const TOKEN = 'db-copy-token';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function installation(): Promise<{ dir: string; file: string }> {
  const x = await startFakeXApi({ token: TOKEN });
  closers.push(() => x.close());
  const wayback = await startFakeWayback();
  closers.push(() => wayback.close());
  x.addUser('alice_m', { name: 'Alice Martin' });
  x.addTweets([
    { text: '@alice_m je vais te tuer, tu vas crever sale connasse', author: 'troll_1', lang: 'fr' },
    { text: '@alice_m merci pour ton article sur Élodie', author: 'reader_2', lang: 'fr' },
    { text: '@alice_m le harcèlement doit cesser', author: 'reader_3', lang: 'fr' },
  ]);
  const t = tempDir();
  closers.push(t.cleanup);
  const config = writeFile(
    t.dir,
    'vigie.yaml',
    `dataDir: ./data
log: { level: silent }
sources: { x: { baseUrl: "${x.url}" } }
alerts: { unsubscribeSecret: "db-copy-secret-0123456789abcdef" }
archive:
  wayback: { baseUrl: "${wayback.url}", availabilityUrl: "${wayback.availabilityUrl}", statusPollMs: 50 }
watches:
  - id: alice
    names: ["Alice Martin"]
    x: { handle: alice_m }
    recipients:
      - { email: bob@example.org, role: proxy, language: en }
`,
  );
  const r = await runVigie(['--config', config, 'poll', '--once'], {
    cwd: t.dir,
    env: { VIGIE_X_BEARER_TOKEN: TOKEN },
    timeoutMs: 120_000,
  });
  expect(r.code, r.stderr).toBe(0);
  return { dir: t.dir, file: path.join(t.dir, 'data', 'vigie.db') };
}

function sqliteFacts(file: string): { posts: number; ledgerRows: number; head: string } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      posts: db.prepare('select count(*) from posts').pluck().get() as number,
      ledgerRows: db.prepare('select count(*) from evidence_events').pluck().get() as number,
      head: db.prepare('select hash from evidence_events order by id desc limit 1').pluck().get() as string,
    };
  } finally {
    db.close();
  }
}

describe('vigie db copy', () => {
  it('moves an installation to PostgreSQL: same counts, same ledger head, a verified chain, searchable posts', async () => {
    const { dir, file } = await installation();
    const facts = sqliteFacts(file);
    expect(facts.posts).toBe(3);
    expect(facts.ledgerRows).toBeGreaterThanOrEqual(6);
    const database = await freshPgDatabase();
    closers.push(() => database.drop());

    const r = await runVigie(['db', 'copy', '--from', 'sqlite:data/vigie.db', '--to', database.url], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^posts\s+3\s+3$/m);
    expect(r.stdout).toMatch(/^evidence_events\s+(\d+)\s+\1$/m);
    expect(r.stdout).toContain(`ledger head (source): ${facts.head} (${facts.ledgerRows} rows)`);
    expect(r.stdout).toContain(`ledger head (target): ${facts.head} (${facts.ledgerRows} rows)`);
    expect(r.stdout).toContain('ledger chain on the target: verified');
    expect(r.stdout).toContain('copy verified');

    const pg = await openPgStore(database.url);
    closers.push(() => pg.close());
    expect(await checkLedger(pg)).toEqual({ rows: facts.ledgerRows, head: facts.head, broken: null });
    // What `vigie ledger verify` runs, on the copy.
    expect(await createLedger(pg).verify()).toEqual({ ok: true, rows: facts.ledgerRows, head: facts.head });
    const found = await pg.all<{ text: string }>(
      sql`select text from posts where ${postSearchCondition(pg, pg.t.posts.id, 'elodie')}`,
    );
    expect(found.map((p) => p.text)).toEqual(['@alice_m merci pour ton article sur Élodie']);
    const stems = await pg.all<{ text: string }>(
      sql`select text from posts where ${postSearchCondition(pg, pg.t.posts.id, 'harceler')} order by id`,
    );
    expect(stems.map((p) => p.text)).toEqual(['@alice_m le harcèlement doit cesser']);
    // Stored JSON text and booleans came across as they were.
    const [post] = await pg.db.select().from(pg.t.posts).where(eq(pg.t.posts.hostile, true));
    expect(post?.text).toContain('tuer');
    // New rows continue after the copied ids.
    const [source] = await pg.db.select().from(pg.t.sources);
    const [added] = await pg.db
      .insert(pg.t.posts)
      .values({
        watchId: 'alice',
        sourceId: source!.id,
        platform: 'web',
        externalId: 'new',
        text: 'after the move',
        firstSeenAt: 1,
        raw: '{}',
        rawSha256: 'x',
      })
      .returning({ id: pg.t.posts.id });
    expect(added!.id).toBe(4);

    // A second copy into the same database is refused, and says why.
    const again = await runVigie(['db', 'copy', '--from', `sqlite:${file}`, '--to', database.url], {
      timeoutMs: 120_000,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds data: .*posts \(4\).*empty database/);
  }, 240_000);

  it('reports a difference (exit 1) when the target does not match the source', async () => {
    const t = tempDir();
    closers.push(t.cleanup);
    const source = openSqliteStore(path.join(t.dir, 'vigie.db'));
    closers.push(() => source.close());
    await source.db
      .insert(source.t.watches)
      .values({ id: 'w', definition: { a: 1 }, createdAt: 1, updatedAt: 1 });
    const database = await freshPgDatabase({ migrated: true });
    closers.push(() => database.drop());
    const target = await openPgStore(database.url);
    closers.push(() => target.close());
    expect((await copyDatabase(source, target, { batchSize: 1 })).ok).toBe(true);
    await target.db
      .insert(target.t.watches)
      .values({ id: 'extra', definition: {}, createdAt: 1, updatedAt: 1 });
    const report = await verifyCopy(source, target);
    expect(report.ok).toBe(false);
    expect(report.tables.find((c) => c.table === 'watches')).toEqual({
      table: 'watches',
      source: 1,
      target: 2,
    });
  });

  it('copies a ledger written by the ledger itself, which then verifies and appends on PostgreSQL', async () => {
    const t = tempDir();
    closers.push(t.cleanup);
    const source = openSqliteStore(path.join(t.dir, 'vigie.db'));
    closers.push(() => source.close());
    await source.db.insert(source.t.watches).values({ id: 'w', definition: {}, createdAt: 1, updatedAt: 1 });
    const events = Array.from({ length: 1200 }, (_, i) => ({
      type: 'viewed' as const,
      watchId: 'w',
      actor: 'system',
      data: { i, note: 'é"\\' },
    }));
    await createLedger(source).append(events);
    const database = await freshPgDatabase({ migrated: true });
    closers.push(() => database.drop());
    const target = await openPgStore(database.url);
    closers.push(() => target.close());
    const report = await copyDatabase(source, target, { batchSize: 250 });
    expect(report.ok).toBe(true);
    expect(report.ledger.target).toEqual(report.ledger.source);
    const ledger = createLedger(target);
    expect(await ledger.verify()).toEqual({ ok: true, rows: 1200, head: report.ledger.source.head });
    await ledger.append({ type: 'viewed', watchId: 'w', data: { after: 'copy' } });
    expect(await ledger.verify()).toMatchObject({ ok: true, rows: 1201 });
  });

  it('refuses what is not an SQLite source or a PostgreSQL target, without showing the password', async () => {
    const t = tempDir();
    closers.push(t.cleanup);
    const bad = await runVigie(['db', 'copy', '--from', 'data/vigie.db', '--to', 'postgres://u:pw@h/d'], {
      cwd: t.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: expected sqlite:PATH');
    const missing = await runVigie(
      ['db', 'copy', '--from', 'sqlite:nothing.db', '--to', 'postgres://u:pw@h/d'],
      {
        cwd: t.dir,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    writeFile(t.dir, 'x.db', '');
    const notPg = await runVigie(['db', 'copy', '--from', 'sqlite:x.db', '--to', 'mysql://u:hunter2@h/d'], {
      cwd: t.dir,
    });
    expect(notPg.code).toBe(2);
    expect(notPg.stderr).toContain('--to: expected a PostgreSQL URL');
    expect(notPg.stderr).not.toContain('hunter2');
  });
});
