import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { dbFile } from '../../src/db/client.ts';
import { startFakeFeedServer } from '../fakes/feed-server.ts';
import { startProcess } from '../jobs/process-kit.ts';
import { runVigie } from '../helpers/cli.ts';
import { freshPgDatabase } from '../helpers/pg.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';

// `vigie start` with `database.url` on a fresh (empty) PostgreSQL database: the service migrates
// it, answers on /healthz, and its boot poll stores posts and their custody events there, not in
// a SQLite file; `vigie ledger verify` then reads that chain from PostgreSQL.

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.org/</link>
<description>d</description><item><title>p</title><link>http://example.org/p/1</link><guid>p1</guid>
<description>Alice Martin</description></item></channel></rss>`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Waits until `check` holds, reading the database again every 200 ms (gives up after `ms`). */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the condition never held');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('vigie start on PostgreSQL', () => {
  it('migrates a fresh database, answers /healthz, polls into PostgreSQL, and `vigie ledger verify` reads its chain', async () => {
    const database = await freshPgDatabase();
    closers.push(() => database.drop());
    const feed = await startFakeFeedServer();
    closers.push(() => feed.close());
    feed.setFeed('/feed.xml', { body: RSS, contentType: 'application/rss+xml' });
    const t = tempDir();
    closers.push(t.cleanup);
    const port = await freePort();
    const config = writeFile(
      t.dir,
      'vigie.yaml',
      [
        `dataDir: ${JSON.stringify(`${t.dir}/data`)}`,
        `database: { url: ${JSON.stringify(database.url)} }`,
        `server: { host: 127.0.0.1, port: ${port} }`,
        'network: { allowPrivateAddresses: true }',
        'watches:',
        `  - { id: alice, names: ["Alice Martin"], feeds: ["${feed.url}/feed.xml"] }`,
        '',
      ].join('\n'),
    );
    const env = { VIGIE_CONFIG: '', NO_COLOR: '1' };
    const p = startProcess(['--config', config, 'start'], env);
    closers.push(async () => void (await p.stop('SIGKILL')));
    await p.waitForLine(/Vigie started/, 120_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // The boot poll stores the mention and its two custody events in the PostgreSQL database.
    await eventually(
      async () =>
        (await query<{ n: string }>(database.url, 'select count(*) as n from evidence_events'))[0]!.n === '2',
      120_000,
    );
    const posts = await query<{ watch_id: string; url: string }>(
      database.url,
      'select watch_id, url from posts',
    );
    expect(posts).toEqual([{ watch_id: 'alice', url: 'http://example.org/p/1' }]);
    expect(feed.requests.length).toBeGreaterThan(0);
    expect(existsSync(dbFile(`${t.dir}/data`))).toBe(false);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);

    const intact = await runVigie(['--config', config, 'ledger', 'verify'], { env, timeoutMs: 120_000 });
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    const head = (
      await query<{ hash: string }>(database.url, 'select hash from evidence_events order by id desc limit 1')
    )[0]!.hash;
    expect(intact.stdout).toBe(`ledger intact: 2 rows, head ${head}\n`);

    // A row changed behind the ledger's back (its trigger dropped first) is named by the command.
    await query(database.url, 'drop trigger evidence_events_no_update on evidence_events');
    await query(database.url, `update evidence_events set actor = 'someone' where id = 1`);
    const broken = await runVigie(['--config', config, 'ledger', 'verify'], { env, timeoutMs: 120_000 });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("ledger BROKEN at row 1: the hash does not match the row's content");
  }, 300_000);
});
