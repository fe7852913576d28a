import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { stringify } from 'yaml';
import { sql } from 'drizzle-orm';
import { runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import type { Store } from '../../src/db/store.ts';
import { createLedger } from '../../src/db/ledger/ledger.ts';
import { createWatchesRepo } from '../../src/db/repositories/watches-repo.ts';
import { createSourcesRepo } from '../../src/db/repositories/sources-repo.ts';
import { createPostsRepo } from '../../src/db/repositories/posts-repo.ts';
import { labelQueries } from '../../src/web/labels-repo.ts';
import { watchDef } from '../web/helpers.ts';
import { testDatabaseConfig } from '../helpers/test-store.ts';

let dir: { dir: string; cleanup: () => void } | undefined;
let database: Awaited<ReturnType<typeof testDatabaseConfig>> | undefined;
afterEach(async () => {
  await database?.drop();
  dir?.cleanup();
});

/** A store with one post scored `none` that a person marked hostile. */
async function storeWithCorrection(store: Store): Promise<number> {
  await createWatchesRepo(store).syncFromConfig([watchDef('alice')]);
  const sources = createSourcesRepo(store);
  await sources.syncForWatch('alice', [{ kind: 'feed', target: 'https://feeds.example.org/alice.xml' }]);
  const raw = JSON.stringify({ text: '=HYPERLINK("x") Alice devrait se suicider' });
  const [stored] = await createPostsRepo(store, createLedger(store)).storePage({
    watchId: 'alice',
    sourceId: (await sources.listEnabled('alice'))[0]!.id,
    seenAt: Date.UTC(2026, 11, 1),
    posts: [
      {
        platform: 'web',
        externalId: 'p1',
        url: 'https://blog.example.net/p1',
        author: null,
        text: '=HYPERLINK("x") Alice devrait se suicider',
        lang: 'fr',
        createdAt: null,
        raw,
        rawSha256: createHash('sha256').update(raw).digest('hex'),
        score: {
          score: 0,
          level: 'none',
          hostile: false,
          categories: [],
          matches: [],
          targeted: true,
          version: 'engine-3+lex-abc',
        },
      },
    ],
  });
  const user = (await store.get<{ id: number }>(
    sql`insert into users (email, role, created_at) values ('proxy@example.org', 'proxy', 0) returning id`,
  ))!;
  await labelQueries(store).setLabel(stored!.id, 'suicide_incitement', {
    id: user.id,
    email: 'proxy@example.org',
  });
  return stored!.id;
}

describe('vigie corrections export', () => {
  it('writes the corrections as JSON Lines and CSV, audited, and refuses an unknown watch or format', async () => {
    dir = tempDir();
    database = await testDatabaseConfig();
    const config = writeFile(
      dir.dir,
      'vigie.yaml',
      stringify({ dataDir: dir.dir, ...database.config, log: { level: 'silent' } }),
    );
    const store = await database.open(dir.dir);
    const postId = await storeWithCorrection(store).finally(() => store.close());

    const jsonl = await runVigie(['--config', config, 'corrections', 'export', '--watch', 'alice']);
    expect(jsonl.code).toBe(0);
    const items = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(items).toEqual([
      expect.objectContaining({
        postId,
        text: '=HYPERLINK("x") Alice devrait se suicider',
        scorerLevel: 'none',
        scorerCategories: [],
        humanLabel: 'hostile',
        humanCategory: 'suicide_incitement',
        labelledBy: 'proxy@example.org',
        lexiconVersion: 'engine-3+lex-abc',
      }),
    ]);

    const out = path.join(dir.dir, 'corrections.csv');
    const csv = await runVigie([
      '--config',
      config,
      'corrections',
      'export',
      '--watch',
      'alice',
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toContain('1 corrections');
    const lines = readFileSync(out, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('"post_id","watch"');
    // A cell a spreadsheet would run as a formula stays text.
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") Alice devrait se suicider","none"`);
    expect(lines[1]).toContain('"hostile","suicide_incitement"');

    const audit = await database.open(dir.dir);
    try {
      expect(
        await audit.all(
          sql`select actor, detail from audit_log where action = 'export_corrections' order by id`,
        ),
      ).toEqual([
        { actor: 'cli', detail: '{"format":"jsonl","posts":1}' },
        { actor: 'cli', detail: '{"format":"csv","posts":1}' },
      ]);
    } finally {
      await audit.close();
    }

    const unknown = await runVigie(['--config', config, 'corrections', 'export', '--watch', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no watch with id "nobody"');
    const badFormat = await runVigie([
      '--config',
      config,
      'corrections',
      'export',
      '--watch',
      'alice',
      '--format',
      'xml',
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format');
  }, 180_000);
});
